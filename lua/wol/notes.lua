-- :WolNotes [handle]: pick a shared note (handler 'notes'; the work is in wol.circle).
local circle = require('wol.circle')
require('wol.commands').register('notes', circle.notes_cmd)
return { run = circle.notes_cmd }
