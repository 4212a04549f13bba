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

# The wasm-bindgen version Cargo.lock pins; wasm-bindgen-cli must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# Installs trunk and wasm-bindgen-cli with cargo (nothing is downloaded prebuilt), and the pinned
# nightly, if missing.
ensure_web_build_tools() {
  if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
    step "installing trunk 0.21 (about 8 minutes)"
    cargo install trunk --version '~0.21' --locked
  fi
  local version
  version=$(wasm_bindgen_version)
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $version\$"; then
    step "installing wasm-bindgen-cli $version (about 4 minutes)"
    cargo install wasm-bindgen-cli --version "=$version" --locked \
      || cargo install wasm-bindgen-cli --version "=$version"
  fi
  ensure_nightly
}

# The dated nightly toolchain the web app's release build (`size_build`) and the fuzzer use; every
# other build and check runs on the stable toolchain. Change it here alone.
NIGHTLY=nightly-2026-05-20

# Installs the pinned nightly with the standard library's source and the wasm32 target, if missing,
# and fetches the crates that source needs, so that the release build can compile it offline.
ensure_nightly() {
  if ! rustup toolchain list | grep -q "^$NIGHTLY-"; then
    step "installing the $NIGHTLY toolchain (about 1 minute)"
    rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src --target wasm32-unknown-unknown
  fi
  local library
  library="$(rustc "+$NIGHTLY" --print sysroot)/lib/rustlib/src/rust/library"
  cargo "+$NIGHTLY" fetch --quiet --locked --manifest-path "$library/Cargo.toml" >/dev/null
}

# Runs a web release build command (trunk) made for size, on the pinned nightly: the standard
# library is compiled with the app, for size (-Zbuild-std with `optimize_for_size`), and a panic
# aborts at once without formatting a message (-Cpanic=immediate-abort): about 19 kB (gzipped)
# less. The browser tests run what it builds.
size_build() {
  RUSTUP_TOOLCHAIN="$NIGHTLY" \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
    RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" \
    "$@"
}

# Installs the npm packages of web/ (wasm-opt from binaryen, playwright-core), if missing or stale.
ensure_web_node_modules() {
  if [ ! -x web/node_modules/.bin/wasm-opt ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    step "installing web/ npm packages"
    (cd web && npm ci --no-audit --no-fund)
  fi
}

# The OASIS SARIF 2.1.0 JSON schema, for the test that validates `check --format sarif`: taken from
# the serde-sarif crate on crates.io (which ships it as src/schema.json), checked against the
# checksum crates.io's index gives, into target/sarif-schema-2.1.0.json.
ensure_sarif_schema() {
  local schema=target/sarif-schema-2.1.0.json
  [ -f "$schema" ] && return
  step "fetching the SARIF 2.1.0 schema (crates.io: serde-sarif 0.8.0)"
  local dir
  dir=$(mktemp -d)
  curl -fsSL -o "$dir/serde-sarif.crate" https://static.crates.io/crates/serde-sarif/serde-sarif-0.8.0.crate
  echo "a053c46f18a8043570d4e32fefc4c6377f82bf29ec310a33e93f273048e3b0be  $dir/serde-sarif.crate" | sha256sum --check --quiet
  tar -xzf "$dir/serde-sarif.crate" -C "$dir" serde-sarif-0.8.0/src/schema.json
  mkdir -p target
  mv "$dir/serde-sarif-0.8.0/src/schema.json" "$schema"
  rm -rf "$dir"
}

# Installs Debian's Chromium and ChromeDriver for the browser tests, if missing.
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    step "installing chromium"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

# Installs Debian's Firefox ESR and geckodriver (built with cargo) for the Firefox tests, if missing.
ensure_firefox() {
  if [ ! -x /usr/bin/firefox-esr ]; then
    step "installing firefox-esr"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq firefox-esr >/dev/null
  fi
  if ! command -v geckodriver >/dev/null; then
    step "installing geckodriver (about 3 minutes)"
    cargo install geckodriver --locked || cargo install geckodriver
  fi
}
