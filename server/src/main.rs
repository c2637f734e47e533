fn main() -> std::process::ExitCode {
    sidelot_server::cli::main()
}
