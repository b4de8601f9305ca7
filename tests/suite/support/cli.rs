//! Running the `capi` binary as a user does (feature `cli`).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::NOW;

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
        .env_remove("CAPI_APP_SECRET")
        .env_remove("CAPI_CONTROL_TOKEN")
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
        .env_remove("CAPI_APP_SECRET")
        .env_remove("CAPI_CONTROL_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// A running `capi serve` and its base URL.
pub struct Served {
    child: Child,
    /// The base URL it listens on.
    pub url: String,
}

impl Served {
    /// Starts `capi serve` on a free loopback port, its clock stopped at [`NOW`], with `extra` options.
    pub fn start(extra: &[&str]) -> Served {
        let now = NOW.to_string();
        let mut args = vec!["--now", now.as_str()];
        args.extend_from_slice(extra);
        Served::start_live(&args)
    }

    /// Starts `capi serve` on a free loopback port with `extra` options, its clock on the
    /// system's unless they say otherwise.
    pub fn start_live(extra: &[&str]) -> Served {
        Served::start_with_env(extra, &[])
    }

    /// Starts `capi serve` on a free loopback port with `extra` options and these environment
    /// variables (and none of the `CAPI_` ones the tests' own environment may hold).
    pub fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_capi"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env_remove("CAPI_ACCESS_TOKEN")
            .env_remove("CAPI_APP_SECRET")
            .env_remove("CAPI_CONTROL_TOKEN")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("capi starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver
            .recv_timeout(Duration::from_secs(20))
            .expect("capi serve printed its address");
        let url = line.trim().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "first line: {line:?}");
        Served { child, url }
    }

    /// Sends the signal `name` (`INT`, `TERM`) to the process.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (up to 10 s) for the process to end; returns its status and standard error.
    pub fn wait(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "capi serve did not stop");
            thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status, stderr)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
