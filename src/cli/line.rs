//! One JSON output line whose numbers are all finite: a NaN or Inf (which serde_json would print
//! as `null`) is refused with the name of the field, so a diverged run never prints a result.

use super::CliResult;
use serde_json::{Map, Value};

#[derive(Default)]
pub struct Line(Map<String, Value>);

impl Line {
    /// Adds a number; errors if it is NaN or infinite (`context` says where, e.g. "epoch 3").
    pub fn num(&mut self, key: &str, v: f64, context: &str) -> CliResult<&mut Self> {
        if !v.is_finite() {
            return Err(format!("{context}: {key} is {v}, not a finite number: the model diverged (when training, try a smaller --lr); no result printed"));
        }
        self.0.insert(key.into(), Value::from(v));
        Ok(self)
    }

    /// Adds any JSON value (strings, integers, lists: nothing that can be NaN).
    pub fn val(&mut self, key: &str, v: impl Into<Value>) -> &mut Self {
        self.0.insert(key.into(), v.into());
        self
    }

    pub fn print(&self) {
        println!("{}", Value::Object(self.0.clone()));
    }
}
