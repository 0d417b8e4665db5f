#!/bin/sh
# tools/layers.sh [OBJDIR]: which parts of the library call which, read from
# the symbols of the built objects (a part is a folder of csrc/, or a noun
# file at its top; the two front ends are left out). Prints "part -> parts"
# lines and exits 1 when two parts call each other (doc/hacking.md).
objdir=${1:-build/obj}
[ -d "$objdir" ] || { echo "layers: no $objdir (run make first)" >&2; exit 2; }
edges=$(find "$objdir" -name '*.o' ! -path "$objdir/lua/*" ! -path "$objdir/cli/*" \
	! -name builtin_prompts.o | sort | while read -r o; do
	rel=${o#"$objdir"/}
	[ -f "csrc/${rel%.o}.c" ] || continue # an object left from a moved file
	case $rel in */*) part=${rel%%/*} ;; *) part=${rel%.o} ;; esac
	nm "$o" | awk -v part="$part" '$2 ~ /^[TDRB]$/ { print "D", $3, part } $1 == "U" { print "U", $2, part }'
done | awk '
	$1 == "D" { def[$2] = $3; next }
	{ use[++n] = $2; by[n] = $3 }
	END {
		for (i = 1; i <= n; i++)
			if (def[use[i]] != "" && def[use[i]] != by[i])
				print by[i], def[use[i]]
	}' | sort -u)
echo "$edges" | awk '
	{ to[$1] = to[$1] " " $2; e[$1 " " $2] = 1 }
	END {
		for (a in to)
			print a " ->" to[a]
	}' | sort
echo "$edges" | awk '{ e[$1 " " $2] = 1 } END {
	for (k in e) {
		split(k, ab, " ")
		if ((ab[2] " " ab[1]) in e && ab[1] < ab[2]) {
			print "layers: " ab[1] " and " ab[2] " call each other" > "/dev/stderr"
			bad = 1
		}
	}
	exit bad
}'
