//! GH0280 and GH0281: a policy naming a backend or logger an APIOps export does not have.
//!
//! APIM resolves `set-backend-service backend-id` and `log-to-eventhub logger-id` when the
//! policy is saved and refuses it when the instance has no entity of that id; the APIOps
//! publisher creates the backends and loggers of the export's folders, so a policy naming one
//! outside them fails to publish (Azure/apiops#56, #92, #565 for backends, #878 for loggers).

use std::collections::BTreeSet;
use std::path::Path;

use gatehouse_diagnostics::{Code, Diagnostic};
use gatehouse_model::{NamedValues, PolicyDocument, placeholder_in, whole_expression};

/// The entities of an instance that policies name, as an APIOps export lists them; `None`
/// where the export has no folder for them (the extractor did not export them: nothing is
/// known).
#[derive(Debug, Default)]
pub struct ExportEntities {
    pub backends: Option<BTreeSet<String>>,
    pub loggers: Option<BTreeSet<String>>,
}

impl ExportEntities {
    /// The folder names under `backends` and `loggers` of the export at `root`, and of each
    /// of its workspaces (a workspace's policies may name those).
    pub fn load(root: &Path) -> ExportEntities {
        ExportEntities {
            backends: folder_names(root, "backends"),
            loggers: folder_names(root, "loggers"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.backends.is_none() && self.loggers.is_none()
    }
}

fn folder_names(root: &Path, kind: &str) -> Option<BTreeSet<String>> {
    let mut folders = vec![root.join(kind)];
    if let Ok(workspaces) = std::fs::read_dir(root.join("workspaces")) {
        folders.extend(
            workspaces
                .filter_map(Result::ok)
                .map(|workspace| workspace.path().join(kind)),
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

/// One kind of reference: the policy and its attribute, the entity, the export's folder of them
/// and the file the extractor writes in each entity's folder, the code, and the names known.
struct Reference {
    element: &'static str,
    attribute: &'static str,
    entity: &'static str,
    folder: &'static str,
    information: &'static str,
    code: Code,
    known: fn(&ExportEntities) -> Option<&BTreeSet<String>>,
}

const REFERENCES: &[Reference] = &[
    Reference {
        element: "set-backend-service",
        attribute: "backend-id",
        entity: "backend",
        folder: "backends",
        information: "backendInformation.json",
        code: Code::BackendNotFound,
        known: |entities| entities.backends.as_ref(),
    },
    Reference {
        element: "log-to-eventhub",
        attribute: "logger-id",
        entity: "logger",
        folder: "loggers",
        information: "loggerInformation.json",
        code: Code::LoggerNotFound,
        known: |entities| entities.loggers.as_ref(),
    },
];

/// GH0280/GH0281 for each reference whose id, written or from a named value whose value is
/// known, names no entity of its kind (compared without case, as Azure compares resource
/// names).
pub(crate) fn check(
    model: &PolicyDocument,
    entities: &ExportEntities,
    named_values: Option<&NamedValues>,
    out: &mut Vec<Diagnostic>,
) {
    for policy in model.policies() {
        let Some(reference) = REFERENCES.iter().find(|r| r.element == policy.element) else {
            continue;
        };
        let Reference {
            attribute: attribute_name,
            entity,
            folder,
            information,
            code,
            ..
        } = *reference;
        let (Some(known), Some(attribute)) = (
            (reference.known)(entities),
            policy.attribute(attribute_name),
        ) else {
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
            || (code == Code::BackendNotFound && id == "dapr")
            || placeholder_in(&id).is_some()
            || known.iter().any(|name| name.eq_ignore_ascii_case(&id))
        {
            continue;
        }
        let shown = match &from {
            Some(from) => format!("`{id}` (from `{from}`)"),
            None => format!("`{id}`"),
        };
        let refused = format!(
            "APIM refuses a policy whose `{attribute_name}` names no {entity} of the instance"
        );
        let help = match gatehouse_model::catalog::similar(&id, known.iter().map(String::as_str)) {
            Some(name) => format!("did you mean `{name}`? {refused}"),
            None => format!(
                "{refused}: export `{folder}/{id}/{information}` with it, or correct the id"
            ),
        };
        out.push(
            Diagnostic::new(
                code,
                value.span,
                format!("{entity} {shown} is not in the export's `{folder}` folder"),
            )
            .with_help(help),
        );
    }
}
