#!/usr/bin/env bash
# Install the Debian packages the tests drive for real, when they are missing:
#   chromium       - the browser tests (Playwright launches /usr/bin/chromium)
#   dovecot-imapd  - the IMAP server fetch_letters is tested against
#   gettext        - xgettext, for the test that every marked string is in the translation files
#   fonts-ipafont-gothic - a Japanese font, so Chromium draws the Japanese pages and their screenshots
#   varnish        - the cache of deploy/varnish/, run by varnishtest and in front of the app servers
# Runs apt-get update once, and only when something is missing. When this is not Debian or we are not
# root, it prints what to install and carries on: the tests that need a missing package skip themselves.
set -euo pipefail

PACKAGES=(chromium dovecot-imapd gettext fonts-ipafont-gothic varnish)

missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ ! -f /etc/debian_version ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Not Debian: install ${missing[*]} with your package manager to run the tests that need them." >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Not root: the tests that need them skip until you run: sudo apt-get install -y ${missing[*]}" >&2
    exit 0
fi

echo "Installing Debian packages for the tests: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another apt run (a colleague's script, unattended-upgrades) may hold the lock: wait for it.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
# The package lists may be missing or stale: update them once, only when the install cannot go ahead.
if ! apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    apt_get update -qq
    apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
