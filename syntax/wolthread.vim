" Syntax of the read-only question thread buffer (lua/wol/questions.lua).
if exists('b:current_syntax')
  finish
endif
syntax match WolThreadTitle /\%1l^# .*/
syntax match WolThreadMeta /\%2l.*/
syntax match WolThreadMeta /^what helped: .*/
syntax match WolThreadAnswer /^## answer .*/
syntax match WolThreadEvent /^-- .*/
syntax match WolThreadForged /^!! .*/
syntax match WolThreadMeta /^a answer · .*/
let b:current_syntax = 'wolthread'
