//! Running the `capi` binary as a user does (feature `cli`).

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// `capi` with `args`, no standard input and no `CAPI_ACCESS_TOKEN` in its environment.
pub fn capi(args: &[&str]) -> Output {
    capi_with_token(args, None)
}

/// `capi` with `args` and, if given, `token` as `CAPI_ACCESS_TOKEN`.
pub fn capi_with_token(args: &[&str], token: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_capi"));
    command
        .args(args)
        .env_remove("CAPI_ACCESS_TOKEN")
        .stdin(Stdio::null());
    if let Some(token) = token {
        command.env("CAPI_ACCESS_TOKEN", token);
    }
    command.output().unwrap()
}

/// `capi` with `args`, fed `input` on standard input.
pub fn capi_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_capi"))
        .args(args)
        .env_remove("CAPI_ACCESS_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}
