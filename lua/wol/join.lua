-- :WolJoin URL [name]: clone a circle in the background (handler 'join'; the work is in wol.circle).
local circle = require('wol.circle')
require('wol.commands').register('join', circle.join_cmd)
return { run = circle.join_cmd }
