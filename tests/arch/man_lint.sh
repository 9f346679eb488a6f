#!/usr/bin/env bash
# Lints every man page with groff's warnings on (STYLE.md "Man pages"): any output is a failure,
# and so is a page without the sections every page must have.
set -euo pipefail
dir=$1
status=0
count=0
for page in "$dir"/*.[158]; do
    [ -e "$page" ] || continue
    count=$((count + 1))
    # A page that is only `.so man1/OTHER.1` names a subcommand whose manual is OTHER: the
    # alias must point at a page that exists, and has no sections of its own.
    if [ "$(grep -cv '^\.\\"' "$page")" -eq 1 ] && grep -q '^\.so ' "$page"; then
        target=$(sed -n 's/^\.so man[158]\///p' "$page")
        if [ -z "$target" ] || [ ! -e "$dir/$target" ]; then
            echo "$page: .so to a page that does not exist: $target"
            status=1
        fi
        continue
    fi
    out=$(groff -man -ww -z "$page" 2>&1 || true)
    if [ -n "$out" ]; then
        printf '%s:\n%s\n' "$page" "$out"
        status=1
    fi
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
        if ! grep -q "^\.SH \"\?$section\"\?\$" "$page"; then
            echo "$page: no $section section"
            status=1
        fi
    done
done
echo "man_lint: $count page(s) checked"
[ "$count" -gt 0 ] || status=1
exit $status
