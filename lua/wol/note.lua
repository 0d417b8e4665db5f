-- :WolNote {title}: a new note in your folder (handler 'note'; the work is in wol.circle).
local circle = require('wol.circle')
require('wol.commands').register('note', circle.note_cmd)
return { run = circle.note_cmd }
