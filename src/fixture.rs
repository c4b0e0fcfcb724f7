//! The checker for `ae-fixtures/1` files (PyTorch reference numbers; schema in
//! `../shared/fixtures/README.md`). It rebuilds each variant's model from the file's parameters
//! and inputs, recomputes forward, losses, gradients and three Adam steps with the engine's own
//! training code path (`train::forward_backward`, `train::optimizer_step`), and reports the worst
//! error of every quantity against the README's tolerances.

use crate::activation::Activation;
use crate::autoencoder::{AeConfig, Autoencoder};
use crate::data::Scaling;
use crate::error::{Error, Result};
use crate::objective::{self, Loss};
use crate::optim::{OptimConfig, Optimizer};
use crate::rng::Rng;
use crate::train::{self, Objective, Workspace};
use ndarray::{Array1, Array2, ArrayView2};
use serde_json::Value;

/// One compared quantity of one variant.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub variant: String,
    pub quantity: String,
    /// Largest |got − ref| over the compared values.
    pub max_abs_err: f64,
    /// Largest error / tolerance (≤ 1 passes).
    pub worst_ratio: f64,
    /// How many values were compared.
    pub count: usize,
}

impl Check {
    pub fn passed(&self) -> bool {
        self.worst_ratio <= 1.0 && self.worst_ratio.is_finite()
    }
}

/// Tolerances from the fixtures README: `|got − ref| ≤ atol + rtol·|ref|`.
#[derive(Clone, Copy, Debug)]
struct Tol {
    rtol: f64,
    /// Absolute part: a constant, or a factor of the reference's max |value|.
    atol: f64,
    atol_rel_to_max: bool,
}

const TOL_FORWARD: Tol = Tol { rtol: 1e-4, atol: 1e-5, atol_rel_to_max: true };
const TOL_LOSS: Tol = Tol { rtol: 1e-5, atol: 0.0, atol_rel_to_max: false };
const TOL_GRAD: Tol = Tol { rtol: 1e-4, atol: 1e-5, atol_rel_to_max: true };
const TOL_PARAM: Tol = Tol { rtol: 0.0, atol: 1e-5, atol_rel_to_max: false };

/// A tensor of the file: full (`data`) or sampled (`index` + `values` + `stats`).
struct RefTensor {
    shape: Vec<usize>,
    /// (flat index, value) pairs: every element for full tensors.
    entries: Vec<(usize, f64)>,
    sampled: bool,
    stats: Option<Value>,
    delta_stats: Option<Value>,
}

fn err(msg: impl Into<String>) -> Error {
    Error::Data(msg.into())
}

fn get<'a>(v: &'a Value, path: &str) -> Result<&'a Value> {
    let mut cur = v;
    for key in path.split('.') {
        cur = cur.get(key).ok_or_else(|| err(format!("fixture: missing key \"{path}\"")))?;
    }
    Ok(cur)
}

fn num(v: &Value, path: &str) -> Result<f64> {
    get(v, path)?.as_f64().ok_or_else(|| err(format!("fixture: \"{path}\" is not a number")))
}

fn usize_at(v: &Value, path: &str) -> Result<usize> {
    let x = get(v, path)?.as_u64().ok_or_else(|| err(format!("fixture: \"{path}\" is not a whole number")))?;
    usize::try_from(x).map_err(|_| err(format!("fixture: \"{path}\" is too large")))
}

fn nums(v: &Value, what: &str) -> Result<Vec<f64>> {
    v.as_array()
        .ok_or_else(|| err(format!("fixture: {what} is not an array")))?
        .iter()
        .map(|x| x.as_f64().ok_or_else(|| err(format!("fixture: {what} holds a non-number"))))
        .collect()
}

fn tensor(v: &Value, path: &str) -> Result<RefTensor> {
    let t = get(v, path)?;
    let shape: Vec<usize> = nums(get(t, "shape")?, &format!("{path}.shape"))?
        .into_iter()
        .map(|x| if x >= 0.0 && x.fract() == 0.0 && x < 1e9 { Ok(x as usize) } else { Err(err(format!("fixture: bad shape in {path}"))) })
        .collect::<Result<_>>()?;
    let len: usize = shape.iter().product();
    if t.get("sampled").and_then(Value::as_bool) == Some(true) {
        let index = nums(get(t, "index")?, &format!("{path}.index"))?;
        let values = nums(get(t, "values")?, &format!("{path}.values"))?;
        if index.len() != values.len() {
            return Err(err(format!("fixture: {path}: index and values differ in length")));
        }
        let entries = index
            .into_iter()
            .zip(values)
            .map(|(i, v)| if i >= 0.0 && (i as usize) < len && i.fract() == 0.0 { Ok((i as usize, v)) } else { Err(err(format!("fixture: {path}: index {i} out of range"))) })
            .collect::<Result<_>>()?;
        Ok(RefTensor { shape, entries, sampled: true, stats: t.get("stats").cloned(), delta_stats: t.get("delta_stats").cloned() })
    } else {
        let data = nums(get(t, "data")?, &format!("{path}.data"))?;
        if data.len() != len {
            return Err(err(format!("fixture: {path}: shape {shape:?} wants {len} values, data has {}", data.len())));
        }
        Ok(RefTensor { shape, entries: data.into_iter().enumerate().collect(), sampled: false, stats: None, delta_stats: None })
    }
}

fn full_tensor(v: &Value, path: &str, shape: &[usize]) -> Result<Vec<f32>> {
    let t = tensor(v, path)?;
    if t.sampled {
        return Err(err(format!("fixture: {path} must be stored in full")));
    }
    if t.shape != shape {
        return Err(err(format!("fixture: {path} has shape {:?}, expected {shape:?}", t.shape)));
    }
    Ok(t.entries.into_iter().map(|(_, v)| v as f32).collect())
}

/// Collects the checks of one variant.
struct Report<'a> {
    variant: &'a str,
    checks: Vec<Check>,
}

impl Report<'_> {
    fn push(&mut self, quantity: &str, errs: impl IntoIterator<Item = (f64, f64)>) {
        // errs: (|got − ref|, tolerance)
        let (mut max_abs_err, mut worst_ratio, mut count) = (0f64, 0f64, 0usize);
        for (e, tol) in errs {
            let e = if e.is_nan() { f64::INFINITY } else { e };
            max_abs_err = max_abs_err.max(e);
            worst_ratio = worst_ratio.max(if tol > 0.0 { e / tol } else if e == 0.0 { 0.0 } else { f64::INFINITY });
            count += 1;
        }
        self.checks.push(Check { variant: self.variant.into(), quantity: quantity.into(), max_abs_err, worst_ratio, count });
    }

    fn scalar(&mut self, quantity: &str, got: f64, want: f64, tol: Tol) {
        self.push(quantity, [((got - want).abs(), tol.atol + tol.rtol * want.abs())]);
    }

    /// Compares `got` (the full tensor, row-major) with a reference tensor, plus its statistics
    /// when the reference is sampled. `base` gives the values that `delta_stats` subtract.
    fn tensor(&mut self, quantity: &str, got: &[f32], r: &RefTensor, tol: Tol, base: Option<&[f32]>) -> Result<()> {
        let len: usize = r.shape.iter().product();
        if got.len() != len {
            return Err(err(format!("fixture: {}: {quantity} has {} values, the engine has {}", self.variant, len, got.len())));
        }
        let max_ref = match (&r.stats, r.sampled) {
            (Some(s), true) => num(s, "min")?.abs().max(num(s, "max")?.abs()),
            _ => r.entries.iter().fold(0f64, |a, &(_, v)| a.max(v.abs())),
        };
        let atol = if tol.atol_rel_to_max { tol.atol * max_ref } else { tol.atol };
        self.push(quantity, r.entries.iter().map(|&(i, v)| ((got[i] as f64 - v).abs(), atol + tol.rtol * v.abs())));
        if let Some(s) = &r.stats {
            self.stats(&format!("{quantity}.stats"), got.iter().map(|&v| v as f64), s, tol)?;
        }
        if let (Some(s), Some(base)) = (&r.delta_stats, base) {
            self.stats(&format!("{quantity}.delta_stats"), got.iter().zip(base).map(|(&a, &b)| a as f64 - b as f64), s, tol)?;
        }
        Ok(())
    }

    /// Statistics of a sampled tensor (README): sum_sq, sum_abs, min, max within rtol 1e-4 (or the
    /// quantity's absolute tolerance for parameters), sum within 1e-5·sum_abs.
    fn stats(&mut self, quantity: &str, vals: impl Iterator<Item = f64>, s: &Value, tol: Tol) -> Result<()> {
        let (mut count, mut sum, mut sum_abs, mut sum_sq, mut min, mut max) = (0usize, 0f64, 0f64, 0f64, f64::INFINITY, f64::NEG_INFINITY);
        for v in vals {
            count += 1;
            sum += v;
            sum_abs += v.abs();
            sum_sq += v * v;
            min = min.min(v);
            max = max.max(v);
        }
        let rel = |want: f64| 1e-4 * want.abs() + if tol.atol_rel_to_max { 0.0 } else { tol.atol };
        let (w_sum_abs, w_sum_sq, w_min, w_max, w_sum) = (num(s, "sum_abs")?, num(s, "sum_sq")?, num(s, "min")?, num(s, "max")?, num(s, "sum")?);
        let w_count = num(s, "count")?;
        self.push(
            quantity,
            [
                ((count as f64 - w_count).abs(), 0.5),
                ((sum_abs - w_sum_abs).abs(), 1e-4 * w_sum_abs.abs()),
                ((sum_sq - w_sum_sq).abs(), 1e-4 * w_sum_sq.abs()),
                ((min - w_min).abs(), rel(w_min)),
                ((max - w_max).abs(), rel(w_max)),
                ((sum - w_sum).abs(), 1e-5 * w_sum_abs.abs()),
            ],
        );
        Ok(())
    }
}

/// Checks a whole fixture file (its JSON text). `Err` when the file is unreadable or does not
/// follow the schema; otherwise one `Check` per variant and quantity.
pub fn check_fixture(text: &str) -> Result<Vec<Check>> {
    let v: Value = serde_json::from_str(text).map_err(|e| err(format!("fixture: not valid JSON: {e}")))?;
    let format = get(&v, "format")?.as_str().unwrap_or("");
    if format != "ae-fixtures/1" {
        return Err(err(format!("fixture: format is {format:?}, expected \"ae-fixtures/1\"")));
    }
    let (n, d, batch) = (usize_at(&v, "n")?, usize_at(&v, "d")?, usize_at(&v, "batch")?);
    if n == 0 || d == 0 || batch == 0 || n > 1 << 16 || d > 1 << 14 || batch > 1 << 16 {
        return Err(err(format!("fixture: sizes n={n}, d={d}, batch={batch} are out of range")));
    }
    let lambda = num(&v, "contractive_lambda")? as f32;
    let adam = get(&v, "adam")?;
    if num(adam, "weight_decay")? != 0.0 || get(adam, "amsgrad")?.as_bool() != Some(false) {
        return Err(err("fixture: only Adam without weight decay and without AMSGrad is supported"));
    }
    let steps = usize_at(adam, "steps")?;
    let opt = OptimConfig::Adam {
        lr: num(adam, "lr")? as f32,
        beta1: num(adam, "beta1")? as f32,
        beta2: num(adam, "beta2")? as f32,
        eps: num(adam, "eps")? as f32,
    };
    let init = get(&v, "params_init")?;
    let p_init = [
        full_tensor(init, "W_h", &[d, n])?,
        full_tensor(init, "b_h", &[d])?,
        full_tensor(init, "W_o", &[n, d])?,
        full_tensor(init, "b_o", &[n])?,
    ];
    let inputs = get(&v, "inputs")?;
    let x_u8: Vec<f32> = full_tensor(inputs, "x_u8", &[batch, n])?;
    if x_u8.iter().any(|&b| !(0.0..=255.0).contains(&b) || b.fract() != 0.0) {
        return Err(err("fixture: inputs.x_u8 holds values that are not bytes"));
    }
    let bytes: Vec<u8> = x_u8.iter().map(|&b| b as u8).collect();
    // The engine's own scaling of the bytes (checked against the file's x and x01 below).
    let x: Vec<f32> = bytes.iter().map(|&b| Scaling::MinusOneToOne.apply(b)).collect();
    let x01: Vec<f32> = bytes.iter().map(|&b| Scaling::ZeroToOne.apply(b)).collect();
    let mask = full_tensor(inputs, "mask", &[batch, n])?;
    let xm: Vec<f32> = x.iter().zip(&mask).map(|(a, b)| a * b).collect();

    let mut checks = vec![];
    {
        let mut r = Report { variant: "inputs", checks: vec![] };
        r.tensor("x", &x, &tensor(inputs, "x")?, TOL_FORWARD, None)?;
        r.tensor("x01", &x01, &tensor(inputs, "x01")?, TOL_FORWARD, None)?;
        checks.extend(r.checks);
    }
    let variants = get(&v, "variants")?.as_object().ok_or_else(|| err("fixture: variants is not an object"))?;
    if variants.is_empty() {
        return Err(err("fixture: no variants"));
    }
    for (name, var) in variants {
        let (tied, out_act, loss, lam, x_in, target) = match name.as_str() {
            "standard" => (false, Activation::Tanh, Loss::Mse, 0.0, &x, &x),
            "tied" => (true, Activation::Tanh, Loss::Mse, 0.0, &x, &x),
            "sigmoid_bce" => (false, Activation::Sigmoid, Loss::Bce, 0.0, &x01, &x01),
            "contractive" => (false, Activation::Tanh, Loss::Mse, lambda, &x, &x),
            "denoising" => (false, Activation::Tanh, Loss::Mse, 0.0, &xm, &x),
            other => return Err(err(format!("fixture: unknown variant {other:?}"))),
        };
        let cfg = AeConfig { tied, out_act, ..AeConfig::notebook(n, d) };
        let mut model = Autoencoder::new(cfg, batch, &mut Rng::new(0))?;
        model.enc[0].w.as_slice_mut().unwrap().copy_from_slice(&p_init[0]);
        model.enc[0].b.as_slice_mut().unwrap().copy_from_slice(&p_init[1]);
        model.dec[0].w.as_slice_mut().unwrap().copy_from_slice(&p_init[2]);
        model.dec[0].b.as_slice_mut().unwrap().copy_from_slice(&p_init[3]);
        model.sync_tied();
        let obj = Objective { loss, contractive_lambda: lam };
        let mut ws = Workspace::new(batch, n, d);
        let xv = ArrayView2::from_shape((batch, n), x_in.as_slice()).unwrap();
        let tv = ArrayView2::from_shape((batch, n), target.as_slice()).unwrap();
        let mut r = Report { variant: name, checks: vec![] };

        let parts = train::forward_backward(&mut model, &mut ws, xv, tv, obj);
        let h: Vec<f32> = model.code(batch).iter().copied().collect();
        let xhat: Vec<f32> = model.output(batch).iter().copied().collect();
        r.tensor("forward.h", &h, &tensor(var, "forward.h")?, TOL_FORWARD, None)?;
        r.tensor("forward.xhat", &xhat, &tensor(var, "forward.xhat")?, TOL_FORWARD, None)?;
        r.scalar("loss", parts.total as f64, num(var, "loss")?, TOL_LOSS);
        let xhat_v = model.output(batch);
        if var.get("loss_mse").is_some() {
            r.scalar("loss_mse", Loss::Mse.value(xhat_v, tv) as f64, num(var, "loss_mse")?, TOL_LOSS);
        }
        if var.get("loss_bce_mean").is_some() {
            let bce = Loss::Bce.value(xhat_v, tv) as f64;
            r.scalar("loss_bce_mean", bce, num(var, "loss_bce_mean")?, TOL_LOSS);
            r.scalar("loss_bce_sum", bce * (batch * n) as f64, num(var, "loss_bce_sum")?, TOL_LOSS);
            r.scalar("loss_bce_per_sample_mean", bce * n as f64, num(var, "loss_bce_per_sample_mean")?, TOL_LOSS);
        }
        if var.get("jac_frob2").is_some() {
            let mut s = Array1::zeros(d);
            let hv = model.code(batch);
            let pen = objective::contractive_penalty(hv, model.enc[0].w.view(), 1.0, s.view_mut());
            let mut per = Array1::zeros(batch);
            objective::jacobian_frob2(hv, s.view(), per.view_mut());
            r.tensor("jac_frob2", per.as_slice().unwrap(), &tensor(var, "jac_frob2")?, TOL_FORWARD, None)?;
            r.scalar("jac_frob2_mean", pen as f64, num(var, "jac_frob2_mean")?, TOL_LOSS);
        }
        let grads = get(var, "grads")?;
        let names: Vec<&str> = if tied { vec!["W_h", "b_h", "b_o"] } else { vec!["W_h", "b_h", "W_o", "b_o"] };
        for &p in &names {
            let got = param_or_grad(&model, p, true);
            r.tensor(&format!("grads.{p}"), &got, &tensor(grads, p)?, TOL_GRAD, None)?;
        }
        // Adam: `steps` steps on the same batch from params_init.
        let adam_ref = get(var, "adam")?;
        let losses = nums(get(adam_ref, "losses")?, "adam.losses")?;
        let mut opt = Optimizer::new(opt);
        let mut got_losses = vec![];
        for t in 1..=steps {
            if t > 1 {
                got_losses.push(train::forward_backward(&mut model, &mut ws, xv, tv, obj).total as f64);
            } else {
                got_losses.push(parts.total as f64);
            }
            train::optimizer_step(&mut model, &mut opt);
            let key = format!("after_{t}");
            if let Some(after) = adam_ref.get(&key) {
                for &p in &names {
                    let got = param_or_grad(&model, p, false);
                    let base = &p_init[["W_h", "b_h", "W_o", "b_o"].iter().position(|q| *q == p).unwrap()];
                    r.tensor(&format!("adam.{key}.{p}"), &got, &tensor(after, p)?, TOL_PARAM, Some(base))?;
                }
            }
        }
        if losses.len() != steps {
            return Err(err(format!("fixture: {name}: adam.losses has {} entries, steps is {steps}", losses.len())));
        }
        r.push("adam.losses", got_losses.iter().zip(&losses).map(|(g, w)| ((g - w).abs(), TOL_LOSS.rtol * w.abs())));
        let after = train::loss_only(&mut model, &mut ws, xv, tv, obj).total as f64;
        r.scalar("adam.loss_after_3", after, num(adam_ref, "loss_after_3")?, TOL_LOSS);
        checks.extend(r.checks);
    }
    Ok(checks)
}

/// A one-layer model's parameter (or its gradient) by the fixture's name, flattened.
fn param_or_grad(model: &Autoencoder, name: &str, grad: bool) -> Vec<f32> {
    let (e, dl) = (&model.enc[0], &model.dec[0]);
    let a: &[f32] = match (name, grad) {
        ("W_h", false) => e.w.as_slice().unwrap(),
        ("W_h", true) => e.gw.as_slice().unwrap(),
        ("b_h", false) => e.b.as_slice().unwrap(),
        ("b_h", true) => e.gb.as_slice().unwrap(),
        ("W_o", false) => dl.w.as_slice().unwrap(),
        ("W_o", true) => dl.gw.as_slice().unwrap(),
        ("b_o", false) => dl.b.as_slice().unwrap(),
        _ => dl.gb.as_slice().unwrap(),
    };
    a.to_vec()
}

/// Keeps `Array2` in the public signature set small; used by tests that build tensors.
pub fn as_matrix(v: &[f32], rows: usize, cols: usize) -> Result<Array2<f32>> {
    Array2::from_shape_vec((rows, cols), v.to_vec()).map_err(|e| Error::Shape(e.to_string()))
}
