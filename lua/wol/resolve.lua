-- :WolResolve is handled in lua/wol/questions.lua (handler 'resolve').
return require('wol.questions')
