//! Conformance with C#: every case in `tests/oracle/cases` gives the result Mono's C# compiler
//! and runtime give (recorded in `tests/oracle/expected`), except listed divergences.
//!
//! Where Mono is installed (`mcs`, `mono`, Newtonsoft.Json), the test command also compiles and
//! runs every case with it and checks that the recorded results are what Mono prints today.
//! `GATEHOUSE_ORACLE=live` makes that required (`.ci/run` sets it after installing Mono), `off`
//! skips it, and `record` rewrites the recorded results from Mono.

use gatehouse_tests::oracle::{
    by_area, gatehouse_result, load_cases, parse_output, recorded, run_mono,
};

#[test]
fn gatehouse_agrees_with_the_recorded_csharp_results() {
    let cases = load_cases().unwrap();
    let mut failures = Vec::new();
    let mut divergences = 0;
    for (area, cases) in by_area(&cases) {
        let expected = recorded(&area).unwrap();
        for case in cases {
            let ours = gatehouse_result(case);
            let Some(mono) = expected.get(&case.name) else {
                failures.push(format!(
                    "{area}/{} (line {}): no recorded C# result; run with GATEHOUSE_ORACLE=record",
                    case.name, case.line
                ));
                continue;
            };
            match &case.divergence {
                None if ours != *mono => failures.push(format!(
                    "{area}/{} (line {}):\n    C#:        {mono}\n    gatehouse: {ours}",
                    case.name, case.line
                )),
                Some(divergence) => {
                    divergences += 1;
                    if ours != divergence.gatehouse {
                        failures.push(format!(
                            "{area}/{} (line {}): the divergence says gatehouse gives\n    {}\n  but it gives\n    {ours}",
                            case.name, case.line, divergence.gatehouse
                        ));
                    }
                    if *mono == divergence.gatehouse {
                        failures.push(format!("{area}/{} (line {}): listed as a divergence, but C# agrees; remove the divergence", case.name, case.line));
                    }
                }
                None => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases disagree with C#:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} conformance cases agree with C# ({divergences} listed divergences)",
        cases.len()
    );
}

#[test]
fn there_are_at_least_600_cases() {
    let cases = load_cases().unwrap();
    assert!(cases.len() >= 600, "only {} conformance cases", cases.len());
}

/// `live` or `record` when Mono is to run, `None` (after saying why) when not.
fn mono_mode() -> Option<String> {
    let mode = match std::env::var("GATEHOUSE_ORACLE")
        .unwrap_or_default()
        .as_str()
    {
        "" if gatehouse_tests::oracle::mono_installed() => "live".to_owned(),
        "" | "off" => {
            eprintln!(
                "skipped: Mono is not installed (.ci/run installs it and sets GATEHOUSE_ORACLE=live)"
            );
            return None;
        }
        other => other.to_owned(),
    };
    assert!(
        mode == "live" || mode == "record",
        "GATEHOUSE_ORACLE is live, record or off, not {mode:?}"
    );
    Some(mode)
}

#[test]
fn recorded_results_are_what_mono_prints() {
    let Some(mode) = mono_mode() else {
        return;
    };
    let cases = load_cases().unwrap();
    let work = std::env::temp_dir().join(format!("gatehouse-oracle-{}", std::process::id()));
    let mut failures = Vec::new();
    for (area, cases) in by_area(&cases) {
        let output = match run_mono(&area, &cases, &work) {
            Ok(output) => output,
            Err(error) => {
                failures.push(error);
                continue;
            }
        };
        if mode == "record" {
            let path = gatehouse_tests::oracle::oracle_dir()
                .join("expected")
                .join(format!("{area}.out"));
            std::fs::write(&path, &output).unwrap();
            continue;
        }
        let live = parse_output(&output);
        let stored = recorded(&area).unwrap_or_default();
        for case in cases {
            if live.get(&case.name) != stored.get(&case.name) {
                failures.push(format!(
                    "{area}/{}: Mono now prints {:?}, the record says {:?}",
                    case.name,
                    live.get(&case.name),
                    stored.get(&case.name)
                ));
            }
        }
    }
    if failures.is_empty() {
        let _ = std::fs::remove_dir_all(&work);
    }
    assert!(
        failures.is_empty(),
        "{}\n(generated C# kept in {})",
        failures.join("\n"),
        work.display()
    );
}

/// The checker tells a .NET member Gatehouse lacks (GH0114) from one .NET lacks (GH0104) by
/// the table in `crates/expr/src/library/dotnet-members.tsv`; it must be what Mono's class
/// library reflects for APIM's allowed types (`GATEHOUSE_ORACLE=record` rewrites it).
#[test]
fn member_table_is_what_mono_reflects() {
    let Some(mode) = mono_mode() else {
        return;
    };
    let work = std::env::temp_dir().join(format!("gatehouse-members-{}", std::process::id()));
    let reflected = gatehouse_tests::oracle::reflect_allowed_members(&work).unwrap();
    let path = gatehouse_tests::oracle::member_table_path();
    if mode == "record" {
        std::fs::write(&path, &reflected).unwrap();
    } else {
        let stored = std::fs::read_to_string(&path).unwrap();
        assert!(
            stored == reflected,
            "{} is not what Mono reflects; run with GATEHOUSE_ORACLE=record",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// The checker's GH0120 for a constant regex pattern or format (`Regex.IsMatch(x, "(a")`,
/// `string.Format("{0}-{1}", a)`) foresees the exception Mono throws: every `pattern-error-*`
/// and `format-error-*` case gets it, and no case Mono runs without that exception does.
#[test]
fn constants_the_checker_says_throw_are_those_mono_throws_for() {
    let cases = load_cases().unwrap();
    let mut wrong = Vec::new();
    for (area, cases) in by_area(&cases) {
        let expected = recorded(&area).unwrap();
        for case in cases {
            let (_, diagnostics) = gatehouse_expr::compile_code(
                &case.code,
                case.form,
                &gatehouse_expr::Slot::default(),
            );
            let foreseen = diagnostics
                .iter()
                .find(|d| d.code == gatehouse_diagnostics::Code::ExpressionException);
            let mono = expected.get(&case.name).map(String::as_str).unwrap_or("");
            if let Some(foreseen) = foreseen {
                let agrees = ["ArgumentException", "FormatException"]
                    .iter()
                    .any(|exception| {
                        foreseen.message.contains(&format!("`{exception}`"))
                            && mono == format!("!{exception}")
                    });
                if !agrees {
                    wrong.push(format!(
                        "{area}/{}: the checker says \"{}\", Mono gives {mono}",
                        case.name, foreseen.message
                    ));
                }
            }
            let must =
                case.name.starts_with("pattern-error-") || case.name.starts_with("format-error-");
            if must && foreseen.is_none() {
                wrong.push(format!(
                    "{area}/{}: Mono throws ({mono}), the checker says nothing",
                    case.name
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
