//! Option parsing for every command, in one place: `--name value` pairs, the training settings
//! (where per-variant defaults are applied), and the data and evaluation options train and eval
//! share.

use super::CliResult;
use autoencoder_playground::objective::Loss;
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

/// Parses `train`'s options; defaults are the notebook's standard AE, 20 epochs, and the
/// notebook's d = 500 for the denoising variant unless `--d` is given.
pub fn train(args: &[String]) -> CliResult<TrainOpts> {
    let mut s = Settings::default();
    let mut o = TrainOpts { settings: Settings::default(), epochs: 20, data: DataOpts::default(), eval: EvalOn::Train, save: None, dtype: autoencoder_playground::weights::Dtype::F32 };
    let mut d_given = false;
    for (k, v) in pairs(args, &["tied"])? {
        if o.data.take(&k, &v) {
            continue;
        }
        match k.as_str() {
            "variant" => {
                s.variant = match v.as_str() {
                    "standard" => Variant::Standard,
                    "denoising" => Variant::Denoising,
                    "contractive" => Variant::Contractive,
                    _ => return Err(format!("--variant must be standard, denoising or contractive, got {v:?}")),
                }
            }
            "d" => {
                d_given = true;
                s.d = parse(&k, &v)?
            }
            "epochs" => o.epochs = parse(&k, &v)?,
            "seed" => s.seed = parse(&k, &v)?,
            "lr" => s.lr = parse(&k, &v)?,
            "batch" => s.batch = parse(&k, &v)?,
            "loss" => {
                s.loss = match v.as_str() {
                    "mse" => Loss::Mse,
                    "bce" => Loss::Bce,
                    _ => return Err(format!("--loss must be mse or bce, got {v:?}")),
                }
            }
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
    // The notebook's denoising AE is d = 500 unless told otherwise.
    if s.variant == Variant::Denoising && !d_given {
        s.d = 500;
    }
    if o.epochs == 0 || o.epochs > 100_000 {
        return Err(format!("--epochs must be between 1 and 100000, got {}", o.epochs));
    }
    s.validate().map_err(|e| e.to_string())?;
    o.settings = s;
    Ok(o)
}
