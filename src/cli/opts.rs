//! Option parsing for every command, in one place: `--name value` pairs, the training settings
//! (where per-variant defaults are applied), and the data and evaluation options train and eval
//! share.

use super::CliResult;
use autoencoder_playground::objective::Loss;
use autoencoder_playground::presets;
use autoencoder_playground::train::{Settings, Variant};

/// `--name value` options into (name, value) pairs; `flags` (like `--tied`) get "true".
pub fn pairs(args: &[String], flags: &[&str]) -> CliResult<Vec<(String, String)>> {
    let mut out = vec![];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let name = a.strip_prefix("--").ok_or_else(|| format!("unexpected argument {a:?} (options are --name value; see --help)"))?;
        if flags.contains(&name) {
            out.push((name.to_string(), "true".to_string()));
        } else {
            let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            out.push((name.to_string(), v.clone()));
        }
    }
    Ok(out)
}

pub fn parse<T: std::str::FromStr>(name: &str, v: &str) -> CliResult<T> {
    v.parse().map_err(|_| format!("--{name}: cannot read {v:?}"))
}

pub fn unknown(k: &str) -> String {
    format!("unknown option --{k} (run without arguments for the usage)")
}

/// What to score: every image of the data, the training part or the held-out part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalOn {
    Train,
    Test,
    All,
}

impl EvalOn {
    pub fn parse(v: &str) -> CliResult<EvalOn> {
        match v {
            "train" => Ok(EvalOn::Train),
            "test" => Ok(EvalOn::Test),
            "all" => Ok(EvalOn::All),
            _ => Err(format!("--eval must be train, test or all, got {v:?}")),
        }
    }
}

/// The data files given on the command line (None: the built-in 10,000 digits).
#[derive(Default)]
pub struct DataOpts {
    pub data: Option<String>,
    pub labels: Option<String>,
    pub test_data: Option<String>,
    pub test_labels: Option<String>,
}

impl DataOpts {
    /// Takes `--data`, `--labels`, `--test-data`, `--test-labels`; false for any other option.
    pub fn take(&mut self, k: &str, v: &str) -> bool {
        let slot = match k {
            "data" => &mut self.data,
            "labels" => &mut self.labels,
            "test-data" => &mut self.test_data,
            "test-labels" => &mut self.test_labels,
            _ => return false,
        };
        *slot = Some(v.to_string());
        true
    }
}

/// Everything `train` is told.
pub struct TrainOpts {
    pub settings: Settings,
    pub epochs: u64,
    pub data: DataOpts,
    pub eval: EvalOn,
    pub save: Option<String>,
    pub dtype: autoencoder_playground::weights::Dtype,
}

/// Parses `train`'s options. The defaults are the page's, from one table (`presets`): the
/// variant's and loss's preset (`--variant contractive`: λ = 0.01; `--loss bce`: lr 0.003,
/// batch 64; `--variant denoising`: d = 500; the epochs too), or `--preset KEY` for any lab
/// preset (`map_2d`, `contractive_too_large`, …); every other option then overrides it.
pub fn train(args: &[String]) -> CliResult<TrainOpts> {
    let all = pairs(args, &["tied"])?;
    let (s0, epochs) = base_preset(&all)?;
    let mut s = s0;
    let mut o = TrainOpts { settings: Settings::default(), epochs, data: DataOpts::default(), eval: EvalOn::Train, save: None, dtype: autoencoder_playground::weights::Dtype::F32 };
    for (k, v) in all {
        if o.data.take(&k, &v) {
            continue;
        }
        match k.as_str() {
            // Read by base_preset: they chose the defaults above.
            "variant" | "preset" => {}
            "loss" => s.loss = parse_loss(&v)?,
            "d" => s.d = parse(&k, &v)?,
            "epochs" => o.epochs = parse(&k, &v)?,
            "seed" => s.seed = parse(&k, &v)?,
            "lr" => s.lr = parse(&k, &v)?,
            "batch" => s.batch = parse(&k, &v)?,
            "noise-p" => s.noise_p = parse(&k, &v)?,
            "sigma" => s.sigma = parse(&k, &v)?,
            "square" => s.square = parse(&k, &v)?,
            "lambda" => s.lambda = parse(&k, &v)?,
            "tied" => s.tied = true,
            "optimizer" => s.optimizer = v,
            "momentum" => s.momentum = parse(&k, &v)?,
            "corruption" => s.corruption = v,
            "activation" => s.activation = v,
            "hidden" => s.hidden = v.split(',').filter(|x| !x.is_empty()).map(|x| parse("hidden", x)).collect::<Result<_, _>>()?,
            "eval" => o.eval = EvalOn::parse(&v)?,
            "save" => o.save = Some(v),
            "dtype" => o.dtype = autoencoder_playground::weights::Dtype::parse(&v).map_err(|e| format!("--dtype: {e}"))?,
            _ => return Err(unknown(&k)),
        }
    }
    if o.epochs == 0 || o.epochs > 100_000 {
        return Err(format!("--epochs must be between 1 and 100000, got {}", o.epochs));
    }
    s.validate().map_err(|e| e.to_string())?;
    o.settings = s;
    Ok(o)
}

fn parse_variant(v: &str) -> CliResult<Variant> {
    match v {
        "standard" => Ok(Variant::Standard),
        "denoising" => Ok(Variant::Denoising),
        "contractive" => Ok(Variant::Contractive),
        _ => Err(format!("--variant must be standard, denoising or contractive, got {v:?}")),
    }
}

fn parse_loss(v: &str) -> CliResult<Loss> {
    match v {
        "mse" => Ok(Loss::Mse),
        "bce" => Ok(Loss::Bce),
        _ => Err(format!("--loss must be mse or bce, got {v:?}")),
    }
}

/// The settings and epochs `train` starts from: `--preset KEY`'s, else the preset of
/// `--variant` × `--loss` (`presets::for_variant`), so the CLI trains what the page's lab shows.
fn base_preset(all: &[(String, String)]) -> CliResult<(Settings, u64)> {
    let last = |name: &str| all.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let p = match last("preset") {
        Some(key) => {
            if last("variant").is_some() {
                return Err("give --preset or --variant, not both (a preset names its variant)".into());
            }
            presets::preset(key).map_err(|e| format!("--preset: {e}"))?
        }
        None => {
            let variant = last("variant").map(parse_variant).transpose()?.unwrap_or(Variant::Standard);
            let loss = last("loss").map(parse_loss).transpose()?.unwrap_or(Loss::Mse);
            presets::for_variant(variant, loss)
        }
    };
    Ok((p.settings, u64::from(p.epochs)))
}
