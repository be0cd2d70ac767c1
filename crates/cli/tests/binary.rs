//! The real `gatehouse` process: exit statuses and streams, as a shell or CI sees them.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::process::Command;

fn gatehouse(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the gatehouse binary runs")
}

#[test]
fn missing_path_exits_2_with_a_message_and_no_backtrace() {
    let output = gatehouse(&["lint", "no/such/policy.xml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        "error: cannot read `no/such/policy.xml`: no such file or directory\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "0 files, 0 errors, 0 warnings; 0 expressions (0 parsed, 0 checked)\n"
    );
}

#[test]
fn policy_errors_exit_1_and_clean_policies_exit_0() {
    let dir = std::env::temp_dir().join(format!("gatehouse-binary-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.xml");
    let clean = dir.join("clean.xml");
    std::fs::write(&broken, "<policies><inbound></policies>").unwrap();
    std::fs::write(&clean, "<policies><inbound><base /></inbound></policies>").unwrap();

    let output = gatehouse(&["lint", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("error[GH0007]"));

    let output = gatehouse(&["lint", clean.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "1 file, 0 errors, 0 warnings; 0 expressions (0 parsed, 0 checked)\n"
    );

    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn help_goes_to_stdout_with_status_0() {
    let output = gatehouse(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("lint"));
}

/// A plain HTTP/1.1 GET over a socket; the test needs no HTTP client.
fn http_get(address: &str, path: &str, headers: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn identity_serve_issues_tokens_over_imds() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "identity",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--lifetime",
            "600",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let address = first
        .strip_prefix("identity endpoint listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();

    let token = http_get(
        &address,
        "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api%3A%2F%2Fbackend",
        "Metadata: true\r\n",
    );
    assert!(token.starts_with("HTTP/1.1 200"), "{token}");
    assert!(token.contains("\"access_token\":\"eyJ"), "{token}");
    assert!(token.contains("\"expires_in\":\"600\""), "{token}");

    let refused = http_get(
        &address,
        "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=x",
        "",
    );
    assert!(refused.starts_with("HTTP/1.1 400"), "{refused}");
    assert!(
        refused.contains("Required metadata header not specified"),
        "{refused}"
    );

    let stats = http_get(&address, "/_gatehouse/stats", "");
    assert!(stats.contains("\"token_requests\":2"), "{stats}");
    assert!(stats.contains("\"tokens_issued\":1"), "{stats}");
    child.kill().unwrap();
    child.wait().unwrap();
}
