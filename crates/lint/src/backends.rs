//! GH0280: `set-backend-service backend-id` naming a backend an APIOps export does not have.
//!
//! APIM resolves `backend-id` when the policy is saved and refuses it when no backend of the
//! instance has that id; the APIOps publisher creates the backends of the export's `backends`
//! folder, so a policy naming one outside it fails to publish (Azure/apiops#56, #92, #565).

use std::collections::BTreeSet;
use std::path::Path;

use gatehouse_diagnostics::{Code, Diagnostic};
use gatehouse_model::{NamedValues, PolicyDocument, placeholder_in, whole_expression};

/// The backends of an APIOps export: the folder names under `backends`, and under each
/// workspace's `backends` (a workspace's policies may name those). `None` when the export has
/// no `backends` folder: the extractor then did not export backends, and nothing is known.
pub fn load_backends(export_root: &Path) -> Option<BTreeSet<String>> {
    let mut folders = vec![export_root.join("backends")];
    if let Ok(workspaces) = std::fs::read_dir(export_root.join("workspaces")) {
        folders.extend(
            workspaces
                .filter_map(Result::ok)
                .map(|workspace| workspace.path().join("backends")),
        );
    }
    let mut names = BTreeSet::new();
    let mut found = false;
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        found = true;
        names.extend(
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.path().is_dir())
                .filter_map(|entry| entry.file_name().to_str().map(str::to_owned)),
        );
    }
    found.then_some(names)
}

/// GH0280 for each `set-backend-service` whose `backend-id`, written or from a named value
/// whose value is known, is not one of `backends` (compared without case, as Azure compares
/// resource names).
pub(crate) fn check(
    model: &PolicyDocument,
    backends: &BTreeSet<String>,
    named_values: Option<&NamedValues>,
    out: &mut Vec<Diagnostic>,
) {
    for policy in model.policies() {
        if policy.element != "set-backend-service" {
            continue;
        }
        let Some(attribute) = policy.attribute("backend-id") else {
            continue;
        };
        let value = &attribute.value;
        let (id, from) = match value.literal() {
            Some(text) => (text.trim().to_owned(), None),
            None if value.has_expression() => continue,
            None => {
                let Some(substituted) = named_values.and_then(|set| set.substitute(&value.text))
                else {
                    continue; // a named value whose value is not known here
                };
                if substituted.has_secret || whole_expression(&substituted.text).is_some() {
                    continue;
                }
                (
                    substituted.text.trim().to_owned(),
                    Some(value.text.trim().to_owned()),
                )
            }
        };
        // `backend-id="dapr"` selects the Dapr sidecar, not a backend entity; a guide's
        // placeholder (`{backend-id}`) is GH0275's.
        if id.is_empty()
            || id == "dapr"
            || placeholder_in(&id).is_some()
            || backends.iter().any(|b| b.eq_ignore_ascii_case(&id))
        {
            continue;
        }
        let shown = match &from {
            Some(from) => format!("`{id}` (from `{from}`)"),
            None => format!("`{id}`"),
        };
        let mut diagnostic = Diagnostic::new(
            Code::BackendNotFound,
            value.span,
            format!("backend {shown} is not in the export's `backends` folder"),
        );
        let close = gatehouse_model::catalog::similar(&id, backends.iter().map(String::as_str));
        diagnostic = diagnostic.with_help(match close {
            Some(name) => format!(
                "did you mean `{name}`? APIM refuses a policy whose `backend-id` names no backend of the instance"
            ),
            None => format!(
                "APIM refuses a policy whose `backend-id` names no backend of the instance: export `backends/{id}/backendInformation.json` with it, or correct the id"
            ),
        });
        out.push(diagnostic);
    }
}
