#!/usr/bin/env bash
# Installs dynalite from the committed lock file and lays it out as class-path resources,
# with an index, so LocalDynamoDb can unpack it next to the data it serves.
# Args: <source dir with package.json + lock> <npm work dir> <resource output dir>
set -euo pipefail
src=$1 work=$2 out=$3
stamp="$work/.stamp"
if [[ ! -f $stamp || $src/package-lock.json -nt $stamp ]]; then
  command -v npm >/dev/null || { echo "npm (Node.js 20+) is needed to build the local DynamoDB bundle" >&2; exit 1; }
  rm -rf "$work" && mkdir -p "$work"
  cp "$src/package.json" "$src/package-lock.json" "$work/"
  (cd "$work" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  # Native LevelDB builds for platforms this project never runs on.
  find "$work/node_modules/classic-level/prebuilds" -mindepth 1 -maxdepth 1 \
    \( -name 'android-*' -o -name 'win32-*' -o -name 'linux-arm' \) -exec rm -rf {} +
  touch "$stamp"
fi
rm -rf "$out" && mkdir -p "$out"
cp -R "$work/node_modules" "$out/"
cp "$src/start.js" "$out/"
# Files Maven's default excludes would drop from the jar (editor backups, VCS files): leave them out of the index too.
find "$out/node_modules" \( -name '*~' -o -name '#*#' -o -name '.#*' -o -name '%*%' -o -name '._*' -o -name '.gitignore' \
  -o -name '.gitattributes' -o -name '.DS_Store' -o -name 'CVS' -o -name '.svn' -o -name '.git' \) -prune -exec rm -rf {} +
(cd "$out" && find node_modules start.js -type f | LC_ALL=C sort > index.txt)
