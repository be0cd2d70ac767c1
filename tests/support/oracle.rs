//! The C# oracle: conformance cases as data, Gatehouse's results for them, and Mono's.
//!
//! Cases live in `tests/oracle/cases/<area>.cases`:
//!
//! ```text
//! == split-count
//! @("a,b,,c".Split(',').Length)
//!
//! == loop
//! #! fixture: orders
//! @{
//!   var total = 0;
//!   for (var i = 0; i < 4; i++) { total += i; }
//!   return total;
//! }
//! ```
//!
//! Mono's output for each area is recorded in `tests/oracle/expected/<area>.out`
//! (`name<TAB>result`). A case where Gatehouse deliberately follows .NET (Core) rather than
//! Mono says so: `#! divergence: <why>` and `#! gatehouse: <Gatehouse's result>`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gatehouse_expr::{
    Form, Limits, Slot, compile_code, context::Context, evaluate_and_describe,
    fixture::context_from_json,
};

use crate::workspace_dir;

#[derive(Debug, Clone)]
pub struct Case {
    pub area: String,
    pub name: String,
    pub code: String,
    pub form: Form,
    pub fixture: String,
    pub divergence: Option<Divergence>,
    /// Line in the case file, for messages.
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Divergence {
    pub reason: String,
    pub gatehouse: String,
}

pub fn oracle_dir() -> PathBuf {
    workspace_dir().join("tests").join("oracle")
}

/// Every case of every area, in file order.
pub fn load_cases() -> Result<Vec<Case>, String> {
    let dir = oracle_dir().join("cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "cases"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let area = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        cases.extend(parse_cases(&area, &text).map_err(|e| format!("{}: {e}", file.display()))?);
    }
    let mut seen = BTreeMap::new();
    for case in &cases {
        if let Some(previous) = seen.insert((case.area.clone(), case.name.clone()), case.line) {
            return Err(format!(
                "{}: case `{}` is defined twice (lines {previous} and {})",
                case.area, case.name, case.line
            ));
        }
    }
    Ok(cases)
}

fn parse_cases(area: &str, text: &str) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    let mut current: Option<(String, usize, Vec<String>, Vec<String>)> = None;
    let finish = |current: Option<(String, usize, Vec<String>, Vec<String>)>,
                  cases: &mut Vec<Case>|
     -> Result<(), String> {
        let Some((name, line, directives, code)) = current else {
            return Ok(());
        };
        let code = code.join("\n");
        let code = code.trim();
        let (form, inner) =
            if let Some(inner) = code.strip_prefix("@(").and_then(|c| c.strip_suffix(')')) {
                (Form::Inline, inner)
            } else if let Some(inner) = code.strip_prefix("@{").and_then(|c| c.strip_suffix('}')) {
                (Form::Block, inner)
            } else {
                return Err(format!(
                    "line {line}: case `{name}` must be `@( … )` or `@{{ … }}`"
                ));
            };
        let mut fixture = "default".to_owned();
        let mut reason = None;
        let mut gatehouse = None;
        for directive in directives {
            match directive.split_once(':') {
                Some(("fixture", value)) => fixture = value.trim().to_owned(),
                Some(("divergence", value)) => reason = Some(value.trim().to_owned()),
                Some(("gatehouse", value)) => gatehouse = Some(value.trim().to_owned()),
                _ => return Err(format!("line {line}: unknown directive `#! {directive}`")),
            }
        }
        let divergence = match (reason, gatehouse) {
            (Some(reason), Some(gatehouse)) => Some(Divergence { reason, gatehouse }),
            (None, None) => None,
            _ => {
                return Err(format!(
                    "line {line}: a divergence needs both `#! divergence:` and `#! gatehouse:`"
                ));
            }
        };
        cases.push(Case {
            area: area.to_owned(),
            name,
            code: inner.to_owned(),
            form,
            fixture,
            divergence,
            line,
        });
        Ok(())
    };
    for (index, line) in text.lines().enumerate() {
        if let Some(name) = line.strip_prefix("== ") {
            finish(current.take(), &mut cases)?;
            let name = name.trim();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(format!(
                    "line {}: case names are letters, digits, `-` and `_`",
                    index + 1
                ));
            }
            current = Some((name.to_owned(), index + 1, Vec::new(), Vec::new()));
        } else if let Some(directive) = line.strip_prefix("#! ") {
            match current.as_mut() {
                Some((_, _, directives, _)) => directives.push(directive.trim().to_owned()),
                None => {
                    return Err(format!(
                        "line {}: a directive before the first case",
                        index + 1
                    ));
                }
            }
        } else if let Some((_, _, _, code)) = current.as_mut() {
            code.push(line.to_owned());
        } else if !line.trim().is_empty() && !line.starts_with("//") {
            return Err(format!("line {}: text before the first case", index + 1));
        }
    }
    finish(current, &mut cases)?;
    Ok(cases)
}

/// A fixture's context, read fresh for each case (bodies are consumed by reading).
pub fn fixture(name: &str) -> Result<Context, String> {
    let path = oracle_dir().join("fixtures").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    context_from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Gatehouse's result for a case, rendered as the oracle renders Mono's.
pub fn gatehouse_result(case: &Case) -> String {
    let context = match fixture(&case.fixture) {
        Ok(context) => context,
        Err(error) => return format!("!fixture-error {error}"),
    };
    let (compiled, diagnostics) = compile_code(&case.code, case.form, &Slot::default());
    let Some(compiled) = compiled else {
        let first = diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.info().id, d.message))
            .collect::<Vec<_>>()
            .join("; ");
        return format!("!compile-error {first}");
    };
    match evaluate_and_describe(&compiled, &context, Limits::default()) {
        Ok(text) => text,
        Err(error) => match error.exception {
            Some(exception) => format!("!{}", exception.rsplit('.').next().unwrap_or(&exception)),
            None => format!("!{}", error.code.info().name),
        },
    }
}

/// The recorded Mono results of one area: name → result.
pub fn recorded(area: &str) -> Result<BTreeMap<String, String>, String> {
    let path = oracle_dir().join("expected").join(format!("{area}.out"));
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (run the live oracle to record it)", path.display()))?;
    Ok(parse_output(&text))
}

pub fn parse_output(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(name, result)| (name.to_owned(), result.to_owned()))
        .collect()
}

const USINGS: &str = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Net;\nusing System.Text;\n\
using System.Text.RegularExpressions;\nusing System.Security.Cryptography;\nusing System.Security.Cryptography.X509Certificates;\nusing System.Xml.Linq;\nusing Newtonsoft.Json;\n\
using Newtonsoft.Json.Linq;\nusing Gatehouse.Oracle;\n\
// APIM's `Authorization`; System.Net has one too, which APIM does not allow.\n\
using Authorization = Gatehouse.Oracle.Authorization;\n";

/// The C# program for one area: one method per case, and a `Main` that runs them.
pub fn csharp_program(cases: &[&Case]) -> String {
    let mut out = String::from(USINGS);
    out.push_str("public static class Cases\n{\n");
    for (index, case) in cases.iter().enumerate() {
        out.push_str(&format!("    // {} line {}\n", case.name, case.line));
        match case.form {
            Form::Inline => out.push_str(&format!(
                "    static object C{index}(IProxyRequestContext context)\n    {{\n        return (object)(\n{}\n        );\n    }}\n",
                case.code
            )),
            Form::Block => out.push_str(&format!("    static object C{index}(IProxyRequestContext context)\n    {{\n{}\n    }}\n", case.code)),
        }
    }
    let names: Vec<String> = cases.iter().map(|c| format!("\"{}\"", c.name)).collect();
    let fixtures: Vec<String> = cases.iter().map(|c| format!("\"{}\"", c.fixture)).collect();
    let methods: Vec<String> = (0..cases.len()).map(|i| format!("C{i}")).collect();
    out.push_str(&format!(
        "    public static void Main(string[] args)\n    {{\n        Runner.Run(args[0], new[] {{ {} }}, new[] {{ {} }}, new Func<IProxyRequestContext, object>[] {{ {} }});\n    }}\n}}\n",
        names.join(", "),
        fixtures.join(", "),
        methods.join(", ")
    ));
    out
}

/// Where the Newtonsoft.Json assembly of `libnewtonsoft-json5.0-cil` is.
pub const NEWTONSOFT_DIR: &str = "/usr/lib/cli/Newtonsoft.Json-5.0";

/// Whether Mono's compiler, runtime and Newtonsoft.Json are all here.
pub fn mono_installed() -> bool {
    let runs = |program: &str| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success())
    };
    runs("mcs")
        && runs("mono")
        && Path::new(NEWTONSOFT_DIR)
            .join("Newtonsoft.Json.dll")
            .exists()
}

/// Compiles an area's cases with Mono's compiler and runs them; returns their output.
pub fn run_mono(area: &str, cases: &[&Case], work: &Path) -> Result<String, String> {
    std::fs::create_dir_all(work).map_err(|e| e.to_string())?;
    let source = work.join(format!("{area}.cs"));
    std::fs::write(&source, csharp_program(cases)).map_err(|e| e.to_string())?;
    let harness = oracle_dir().join("harness");
    let output = compile_and_run(&MonoProgram {
        name: area,
        flags: &["-langversion:7", "-warn:0"],
        sources: &[harness.join("Apim.cs"), harness.join("Runner.cs"), source],
        exe: &work.join(format!("{area}.exe")),
        argument: &oracle_dir().join("fixtures"),
        environment: &[("TZ", "UTC")],
    })?;
    Ok(String::from_utf8_lossy(&output).into_owned())
}

/// A C# program to build with `mcs` (against Newtonsoft.Json and LINQ to XML) and run with
/// `mono`, in the C locale.
struct MonoProgram<'a> {
    /// For messages.
    name: &'a str,
    /// `mcs` flags beside the references.
    flags: &'a [&'a str],
    sources: &'a [std::path::PathBuf],
    exe: &'a Path,
    /// The one argument the program takes.
    argument: &'a Path,
    /// Environment beside the locale and `MONO_PATH`.
    environment: &'a [(&'a str, &'a str)],
}

/// Builds and runs `program`; its standard output.
fn compile_and_run(program: &MonoProgram<'_>) -> Result<Vec<u8>, String> {
    let compile = Command::new("mcs")
        .arg("-nologo")
        .args(program.flags)
        .args(["-r:System.Core", "-r:System.Xml.Linq", "-r:System.Xml"])
        .arg(format!("-r:{NEWTONSOFT_DIR}/Newtonsoft.Json.dll"))
        .arg(format!("-out:{}", program.exe.display()))
        .args(program.sources)
        .env("LANG", "C")
        .output()
        .map_err(|e| format!("cannot run mcs (install mono-mcs): {e}"))?;
    if !compile.status.success() {
        return Err(format!(
            "mcs failed for {}:\n{}{}",
            program.name,
            String::from_utf8_lossy(&compile.stdout),
            String::from_utf8_lossy(&compile.stderr)
        ));
    }
    let run = Command::new("mono")
        .arg(program.exe)
        .arg(program.argument)
        .env("MONO_PATH", NEWTONSOFT_DIR)
        .env("LANG", "C")
        .env("LC_ALL", "C")
        .envs(program.environment.iter().copied())
        .output()
        .map_err(|e| format!("cannot run mono (install mono-runtime): {e}"))?;
    if !run.status.success() {
        return Err(format!(
            "mono failed for {}:\n{}",
            program.name,
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    Ok(run.stdout)
}

/// Cases grouped by area, in order.
pub fn by_area(cases: &[Case]) -> BTreeMap<String, Vec<&Case>> {
    let mut areas: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
    for case in cases {
        areas.entry(case.area.clone()).or_default().push(case);
    }
    areas
}

/// Compiles `tests/oracle/members/Members.cs` and runs it over `allowed-types.txt`: the table
/// of .NET members of APIM's allowed types, as Mono's class library has them.
pub fn reflect_allowed_members(work: &Path) -> Result<String, String> {
    std::fs::create_dir_all(work).map_err(|e| e.to_string())?;
    let members = oracle_dir().join("members");
    let output = compile_and_run(&MonoProgram {
        name: "Members.cs",
        flags: &[],
        sources: &[members.join("Members.cs")],
        exe: &work.join("Members.exe"),
        argument: &members.join("allowed-types.txt"),
        environment: &[],
    })?;
    String::from_utf8(output).map_err(|e| e.to_string())
}

/// Where the expression crate keeps the member table.
pub fn member_table_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/expr/src/library/dotnet-members.tsv")
}
