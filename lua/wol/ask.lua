-- :WolAsk is handled in lua/wol/questions.lua (handler 'ask').
return require('wol.questions')
