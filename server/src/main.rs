//! `hackboard`: see `hackboard --help`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    hackboard::cli::main().await
}
