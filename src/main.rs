//! Native command line of the engine: `check-fixture`, `train`, `bench`.
fn main() {
    eprintln!("autoencoder-playground: commands come in a later commit");
    std::process::exit(2);
}
