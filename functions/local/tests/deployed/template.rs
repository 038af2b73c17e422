//! `template.yaml` read as CloudFormation reads it: parameters with their defaults, the
//! intrinsics a function's environment and policies use (`Ref`, `Fn::Sub`, `Fn::GetAtt`, short
//! and long form) resolved against the resources the test created, and each function's
//! environment (Globals merged with its own), policy actions and event sources.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_yaml::Value;

pub struct Template {
    pub doc: Value,
}

/// What `Ref` and `Fn::GetAtt` answer for the resources the test made.
#[derive(Default)]
pub struct Resolved {
    pub refs: HashMap<String, String>,
    pub attrs: HashMap<(String, String), String>,
}

#[derive(Debug, Clone)]
pub struct Function {
    /// The binary, or `<binary>-<role>` when one binary serves several functions by
    /// `PORTAL_SEARCH_ROLE` (search-api, search-indexer): the folder of its samples.
    pub name: String,
    pub binary: String,
    pub timeout: u64,
    pub env: BTreeMap<String, String>,
    /// Every action its policies allow.
    pub actions: BTreeSet<String>,
}

fn tag_name(t: &serde_yaml::value::TaggedValue) -> String {
    t.tag.to_string().trim_start_matches('!').to_owned()
}

impl Template {
    pub fn load() -> Self {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml");
        let doc = serde_yaml::from_str(&std::fs::read_to_string(path).expect("template.yaml")).expect("YAML");
        Self { doc }
    }

    pub fn parameter_default(&self, name: &str) -> Option<String> {
        self.doc["Parameters"][name]["Default"].as_str().map(str::to_owned)
    }

    /// (logical id, type, properties) of every resource.
    pub fn resources(&self) -> Vec<(String, String, Value)> {
        self.doc["Resources"]
            .as_mapping()
            .expect("Resources")
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().unwrap_or_default().to_owned(),
                    v["Type"].as_str().unwrap_or_default().to_owned(),
                    v["Properties"].clone(),
                )
            })
            .collect()
    }

    /// Resolves a value to a string: plain scalars, `Ref`, `Fn::Sub` (string form), `Fn::GetAtt`
    /// and `Fn::If` on the conditions this test can decide (none are true here).
    pub fn resolve(&self, v: &Value, r: &Resolved) -> Result<String, String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Tagged(t) => self.intrinsic(&tag_name(t), &t.value, r),
            Value::Mapping(m) if m.len() == 1 => {
                let (k, inner) = m.iter().next().expect("one entry");
                let name = k.as_str().unwrap_or_default().trim_start_matches("Fn::").to_owned();
                self.intrinsic(&name, inner, r)
            }
            other => Err(format!("cannot resolve {other:?}")),
        }
    }

    fn intrinsic(&self, name: &str, arg: &Value, r: &Resolved) -> Result<String, String> {
        match name {
            "Ref" => self.reference(arg.as_str().unwrap_or_default(), r),
            "Sub" => {
                let text = arg.as_str().ok_or("Fn::Sub takes a string here")?;
                let mut out = String::new();
                let mut rest = text;
                while let Some(start) = rest.find("${") {
                    out.push_str(&rest[..start]);
                    let end = rest[start..].find('}').ok_or("unclosed ${")? + start;
                    let name = &rest[start + 2..end];
                    let value = match name.split_once('.') {
                        Some((res, attr)) if !name.starts_with("AWS::") => self.get_att(res, attr, r)?,
                        _ => self.reference(name, r)?,
                    };
                    out.push_str(&value);
                    rest = &rest[end + 1..];
                }
                out.push_str(rest);
                Ok(out)
            }
            "GetAtt" => {
                let (res, attr) = match arg {
                    Value::String(s) => {
                        s.split_once('.').map(|(a, b)| (a.to_owned(), b.to_owned())).ok_or("Res.Attr")?
                    }
                    Value::Sequence(s) if s.len() == 2 => {
                        (s[0].as_str().unwrap_or_default().to_owned(), s[1].as_str().unwrap_or_default().to_owned())
                    }
                    _ => return Err("bad GetAtt".into()),
                };
                self.get_att(&res, &attr, r)
            }
            other => Err(format!("intrinsic {other} is not used in function settings")),
        }
    }

    fn reference(&self, name: &str, r: &Resolved) -> Result<String, String> {
        if let Some(v) = r.refs.get(name) {
            return Ok(v.clone());
        }
        match name {
            "AWS::Region" => Ok("us-east-1".into()),
            "AWS::AccountId" => Ok("123456789012".into()),
            "AWS::Partition" => Ok("aws".into()),
            "AWS::URLSuffix" => Ok("amazonaws.com".into()),
            _ => self.parameter_default(name).ok_or_else(|| format!("nothing answers Ref {name}")),
        }
    }

    fn get_att(&self, res: &str, attr: &str, r: &Resolved) -> Result<String, String> {
        r.attrs
            .get(&(res.to_owned(), attr.to_owned()))
            .cloned()
            .ok_or_else(|| format!("nothing answers GetAtt {res}.{attr}"))
    }

    pub fn functions(&self, r: &Resolved) -> Result<Vec<Function>, String> {
        let globals = &self.doc["Globals"]["Function"];
        let mut out = Vec::new();
        for (id, kind, props) in self.resources() {
            if kind != "AWS::Serverless::Function" {
                continue;
            }
            let res = &self.doc["Resources"][id.as_str()];
            let binary =
                res["Metadata"]["BuildProperties"]["Binary"].as_str().ok_or(format!("{id}: no Binary"))?.to_owned();
            let mut env = BTreeMap::new();
            for vars in [&globals["Environment"]["Variables"], &props["Environment"]["Variables"]] {
                for (k, v) in vars.as_mapping().into_iter().flatten() {
                    let key = k.as_str().unwrap_or_default().to_owned();
                    env.insert(key.clone(), self.resolve(v, r).map_err(|e| format!("{id} {key}: {e}"))?);
                }
            }
            let mut actions = BTreeSet::new();
            for policy in props["Policies"].as_sequence().into_iter().flatten() {
                for st in policy["Statement"].as_sequence().into_iter().flatten() {
                    match &st["Action"] {
                        Value::String(a) => {
                            actions.insert(a.clone());
                        }
                        Value::Sequence(list) => {
                            actions.extend(list.iter().filter_map(|a| a.as_str().map(str::to_owned)))
                        }
                        _ => {}
                    }
                }
            }
            let timeout = props["Timeout"].as_u64().or(globals["Timeout"].as_u64()).unwrap_or(3);
            let name = match env.get("PORTAL_SEARCH_ROLE") {
                Some(role) => format!("{binary}-{role}"),
                None => binary.clone(),
            };
            out.push(Function { name, binary, timeout, env, actions });
        }
        Ok(out)
    }
}

/// The logical id a `!Ref X`, `!GetAtt X.Attr` or `!Sub '...${X}...'` names (the first one).
pub fn names(v: &Value) -> Option<String> {
    match v {
        Value::Tagged(t) => {
            let inner = t.value.as_str()?;
            match tag_name(t).as_str() {
                "Ref" => Some(inner.to_owned()),
                "GetAtt" => inner.split('.').next().map(str::to_owned),
                "Sub" => inner
                    .split("${")
                    .skip(1)
                    .filter_map(|s| s.split(['}', '.']).next())
                    .find(|name| !name.starts_with("AWS::"))
                    .map(str::to_owned),
                _ => None,
            }
        }
        _ => None,
    }
}
