#!/bin/sh
# Copies dlib's "johns" example photos (5 people, 11 aligned 150×150 face chips each) out of
# Debian's libdlib19.1 package into test/fixtures/johns, byte for byte. Needs apt-get and dpkg-deb.
set -eu
VERSION=19.24+dfsg-1
DEB_SHA256=f03f46681d43701914ddd38eee42f1d34dc1d12e2f125bd1e3b562f23572b4da
out=${1:-test/fixtures/johns}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "libdlib19.1=$VERSION" >/dev/null)
deb=$(ls "$work"/libdlib19.1_*.deb)
echo "$DEB_SHA256  $deb" | sha256sum -c --quiet -
dpkg-deb -x "$deb" "$work/root"
doc="$work/root/usr/share/doc/libdlib19.1"

mkdir -p "$out"
rm -rf "$out"/John_*
cp -r "$doc/examples/johns/." "$out/"
# The package's copyright file covers the images (Files: *, Boost Software License 1.0).
cp "$doc/copyright" "$out/copyright-libdlib19.1"
