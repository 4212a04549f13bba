# Shared helpers for the scripts in this folder: `source scripts/tools.sh`.

# Prints a visible step header.
step() {
  printf '\n==> %s\n' "$*"
}

# Installs the Rust components and targets the project builds with, if missing.
ensure_rust_tools() {
  local installed
  installed=$(rustup component list --installed)
  for component in rustfmt clippy; do
    if ! grep -q "^$component" <<<"$installed"; then
      step "installing $component"
      rustup component add "$component"
    fi
  done
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}
