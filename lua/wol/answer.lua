-- :WolAnswer is handled in lua/wol/questions.lua (handler 'answer').
return require('wol.questions')
