# skkd — SPDX-License-Identifier: ISC
#
# tests/stress/full.sh in make test (it takes seconds): a full LMDB map
# and, when a tmpfs may be mounted, a full disk.

exec bash "$(dirname "$0")/../stress/full.sh"
