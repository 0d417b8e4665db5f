#!/bin/sh
# tools/demo_setup.sh DEMO: called by tools/demo.sh (make demo) with
# WOL_HOME, GIT_CONFIG_GLOBAL and WOL_ROOT set for the demo member "you".
# Builds, once, a circle whose origin is a local bare repository, with two
# other members (their own HOME and git identity, using bin/wol) who have
# shared notes and asked questions; then "you" join it. Rerunning does
# nothing when the demo circle is already there.
set -eu
DEMO=$1
ROOT=${WOL_ROOT:?}
WOL="$ROOT/bin/wol"
CIRCLE=demo-circle
REMOTE="$DEMO/remote/$CIRCLE.git"
MEMBERS="$DEMO/members"

if [ -d "$WOL_HOME/circles/$CIRCLE/.git" ]; then
	exit 0
fi
# a run that stopped part way is started again from nothing
rm -rf "$MEMBERS" "$REMOTE"
mkdir -p "$MEMBERS" "$DEMO/remote"

# member HANDLE "Full Name": a HOME with its own git identity
member() {
	mkdir -p "$MEMBERS/$1"
	cat >"$MEMBERS/$1/gitconfig" <<CFG
[user]
	name = $2
	email = $1@demo.invalid
[wol]
	handle = $1
[init]
	defaultBranch = main
CFG
}

# as HANDLE command...: runs a command as that member
as() {
	h=$1
	shift
	env HOME="$MEMBERS/$h" GIT_CONFIG_GLOBAL="$MEMBERS/$h/gitconfig" WOL_HOME="$MEMBERS/$h/wol" "$@"
}

# note HANDLE FILE TITLE BODY MESSAGE: writes a file and shares it
note() {
	mkdir -p "$MEMBERS/$1/work"
	printf '# %s\n\n%b\n' "$3" "$4" >"$MEMBERS/$1/work/$2"
	as "$1" "$WOL" share "$MEMBERS/$1/work/$2" -m "$5" >/dev/null
}

# qid HANDLE N: a question or answer id in the shared format
qid() {
	printf '%s-%s-%04x%04x' "$(date -u -d "-$2 hours" +%Y%m%dT%H%M%SZ)" "$1" "$2" "$(($2 * 7919 % 65536))"
}

# ask HANDLE QID TITLE BODY LAMPORT
ask() {
	dir="$MEMBERS/$1/wol/circles/$CIRCLE"
	mkdir -p "$dir/questions/$2/answers"
	cat >"$dir/questions/$2/question.md" <<Q
---
title: "$3"
author: $1
created: $(date -u +%Y-%m-%dT%H:%M:%SZ)
lamport: $5
id: $2
---

$4
Q
	as "$1" git -C "$dir" add "questions/$2/question.md"
	as "$1" git -C "$dir" commit -q -m "ask($1): $3" -m "Wol-Kind: question
Wol-Id: $2"
}

# answer HANDLE QID AID BODY LAMPORT
answer() {
	dir="$MEMBERS/$1/wol/circles/$CIRCLE"
	mkdir -p "$dir/questions/$2/answers"
	cat >"$dir/questions/$2/answers/$3.md" <<A
---
author: $1
created: $(date -u +%Y-%m-%dT%H:%M:%SZ)
lamport: $5
id: $3
question: $2
---

$4
A
	as "$1" git -C "$dir" add "questions/$2/answers/$3.md"
	as "$1" git -C "$dir" commit -q -m "answer($1): $2" -m "Wol-Kind: answer
Wol-Id: $3"
}

push() {
	as "$1" git -C "$MEMBERS/$1/wol/circles/$CIRCLE" push -q origin main
}

pull() {
	as "$1" git -C "$MEMBERS/$1/wol/circles/$CIRCLE" pull -q --no-rebase origin main
}

member maya "Maya Lindqvist"
member sam "Sam Okafor"
git init -q --bare "$REMOTE"

started=$(date -d '-15 days' +%Y-%m-%d)
as maya "$WOL" init "$CIRCLE" --remote "$REMOTE" --started "$started" --meets thursday \
	--goal "Write and publish a short guide to onboarding new colleagues" >/dev/null
push maya
note maya onboarding.md "Onboarding guide, first outline" \
	"1. Before day one\n2. The first week\n3. Who to ask for what" "An outline; tell me what is missing"
note maya retro.md "What I learned from last week's retro" \
	"Short, regular retros beat long rare ones. Trying a 15-minute Friday slot." "Week 2 reflection"
push maya

as sam "$WOL" join "$REMOTE" >/dev/null
note sam talk.md "Lightning talk: working in small batches" \
	"Draft abstract and three slides. Looking for a punchy title." "First draft"
q1=$(qid sam 30)
ask sam "$q1" "How do you keep a weekly habit going when the week gets busy?" \
	"I keep dropping my Friday reflection when deadlines pile up. What works for you?" 1
q2=$(qid sam 20)
ask sam "$q2" "Who has a good template for a one-page project summary?" \
	"Something I can fill in within fifteen minutes." 2
push sam

pull maya
answer maya "$q1" "$(qid maya 10)" \
	"I put it in the calendar as a meeting with myself, and keep it to ten minutes." 3
push maya

# you join the circle: origin is the bare repository, so sync works offline;
# the join (members/you.md) is pushed, so the demo starts with nothing waiting
"$WOL" join "$REMOTE" >/dev/null
"$WOL" sync >/dev/null
echo "wol: demo circle '$CIRCLE' with maya and sam (origin $REMOTE)"
