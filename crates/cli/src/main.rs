use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let code = gatehouse_cli::run(std::env::args_os(), &mut stdout, &mut stderr);
    let _ = stdout.flush();
    ExitCode::from(code)
}
