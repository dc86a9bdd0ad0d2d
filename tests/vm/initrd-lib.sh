# Shared by run-vm.sh and tests/e2e/run-e2e.sh: building blocks of a test initramfs.

# stage_modules <kernel root> <version> <stage dir> <module...>: copies the modules and everything they
# depend on (as modprobe resolves it in the kernel tree) into the stage and indexes them.
stage_modules() {
  local kroot=$1 version=$2 stage=$3; shift 3
  local mdest=$stage/lib/modules/$version m ko rel
  mkdir -p "$mdest"
  for m in "$@"; do
    modprobe -d "$kroot" -S "$version" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
  done | sort -u | while read -r ko; do
    rel=${ko#"$kroot"/lib/modules/$version/}
    mkdir -p "$mdest/$(dirname "$rel")"
    cp "$ko" "$mdest/$rel"
  done
  cp "$kroot/lib/modules/$version"/modules.{order,builtin,builtin.modinfo} "$mdest/"
  depmod -b "$stage" "$version"
}
