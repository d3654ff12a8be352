# SPDX-License-Identifier: Apache-2.0
# Sourced by each script of scripts/ once it is in the repository's root: with --help or -h among
# the script's arguments, prints the script's header comment (its usage, from the line after the
# licence to 'set -euo pipefail') and exits 0, before anything is built or changed.
#   . scripts/lib/usage.sh; usage_if_asked "$@"
usage_if_asked() {
  case " $* " in
    *" --help "*|*" -h "*)
      sed -n '3,/^set -euo/p' "scripts/$(basename "$0")" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0 ;;
  esac
}
