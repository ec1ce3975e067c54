//! The commands: each parses nothing itself (clap did), makes one client
//! call (or a few reads and one write), and prints the result.

mod account;
mod maintenance;
mod market;
mod order;
mod sandbox;
mod sign;
mod token;
mod wallet;
mod watch;

use clap::CommandFactory;
use limitless_client::{Call, Client, Error as ClientError};

use crate::cli::{Cli, Command, MarketCommand, OrderCommand};
use crate::config::Settings;
use crate::exit::CliError;
use crate::output::Output;

/// Runs the command `cli` names; `lmts sandbox` and the socket commands
/// (which wait for Ctrl-C themselves) go through [`run_until_interrupted`].
pub(crate) async fn run(cli: Cli, out: Output) -> Result<(), CliError> {
    let Cli {
        profile,
        dry_run,
        command,
        ..
    } = cli;
    let api = || Api::new(profile.as_deref(), dry_run, out);
    let local_only = |name: &str| {
        if dry_run {
            Err(CliError::usage(format!(
                "--dry-run applies to commands that call the API, not to `lmts {name}`"
            )))
        } else {
            Ok(())
        }
    };
    match command {
        Command::Token(command) => token::run(&api()?, command).await,
        Command::Account(command) => account::run(&api()?, command).await,
        Command::Order(command) => order::run(&api()?, command).await,
        Command::Market(command) => market::run(&api()?, command).await,
        Command::Wallet(command) => wallet::run(&api()?, command).await,
        Command::Maintenance(args) => maintenance::run(&api()?, args).await,
        Command::Sign(args) => {
            local_only("sign")?;
            sign::sign(&api()?, &args).await
        }
        Command::Verify(args) => {
            local_only("verify")?;
            sign::verify(out, &args)
        }
        Command::Sandbox(args) => {
            local_only("sandbox")?;
            if args.print_env {
                sandbox::print_env(out)
            } else {
                Err(CliError::internal("the sandbox runs through run_sandbox"))
            }
        }
        Command::Mcp(_) => Err(CliError::internal(
            "the MCP server runs through run_until_interrupted",
        )),
        Command::Completions(args) => {
            local_only("completions")?;
            let mut command = Cli::command();
            clap_complete::generate(args.shell, &mut command, "lmts", &mut std::io::stdout());
            Ok(())
        }
    }
}

/// Runs a command that stops on Ctrl-C itself, cleanly (see
/// [`stops_on_interrupt`]): `lmts sandbox` and the socket commands.
pub(crate) async fn run_until_interrupted(
    cli: Cli,
    out: Output,
    interrupted: impl Future<Output = ()>,
) -> Result<(), CliError> {
    let socket_command = |name: &str| {
        if cli.dry_run {
            Err(CliError::usage(format!(
                "--dry-run applies to requests; `lmts {name}` opens a stream"
            )))
        } else {
            Api::new(cli.profile.as_deref(), false, out)
        }
    };
    match &cli.command {
        Command::Sandbox(args) if !cli.dry_run => sandbox::run(out, args.port, interrupted).await,
        Command::Market(MarketCommand::Book(args)) if args.watch => {
            watch::book(&socket_command("market book --watch")?, args, interrupted).await
        }
        Command::Order(OrderCommand::Watch(args)) => {
            watch::orders(&socket_command("order watch")?, args, interrupted).await
        }
        Command::Mcp(args) => {
            if cli.dry_run {
                return Err(CliError::usage(
                    "--dry-run applies to requests; `lmts mcp` previews every write itself",
                ));
            }
            crate::mcp::run(cli.profile.as_deref(), args, interrupted).await
        }
        _ => run(cli, out).await,
    }
}

/// Whether `cli` runs until Ctrl-C and handles it itself: the sandbox in
/// the foreground, and the socket commands (which close the socket).
pub(crate) fn stops_on_interrupt(cli: &Cli) -> bool {
    match &cli.command {
        Command::Sandbox(args) => !args.print_env,
        Command::Market(MarketCommand::Book(args)) => args.watch,
        Command::Order(OrderCommand::Watch(_)) => true,
        Command::Mcp(_) => true,
        _ => false,
    }
}

/// What a command that calls the API works with.
pub(crate) struct Api {
    pub(crate) settings: Settings,
    pub(crate) client: Client,
    pub(crate) out: Output,
    pub(crate) dry_run: bool,
}

impl Api {
    fn new(profile: Option<&str>, dry_run: bool, out: Output) -> Result<Self, CliError> {
        let settings = Settings::load(profile)?;
        let client = settings.client()?;
        Ok(Self {
            settings,
            client,
            out,
            dry_run,
        })
    }

    /// Sends `call` and returns its value; with `--dry-run`, prints its
    /// signed request instead and returns `None`.
    pub(crate) async fn send<T: Send + 'static>(
        &self,
        call: Call<T>,
    ) -> Result<Option<T>, CliError> {
        if self.dry_run {
            let signed = call.signed_request().await.map_err(|e| self.fail(e))?;
            self.out.dry_run(&signed)?;
            return Ok(None);
        }
        call.await.map(Some).map_err(|e| self.fail(e))
    }

    /// A client error, with what to do about missing credentials.
    pub(crate) fn fail(&self, error: ClientError) -> CliError {
        self.settings.explain(CliError::from(error))
    }
}

/// The EIP-712 signer whose private key is in the environment variable
/// `var`. The key never appears in an error.
pub(crate) fn signer_from_env(var: &str) -> Result<limitless_client::LocalSigner, CliError> {
    limitless_client::LocalSigner::from_env(var)
        .map_err(|error| CliError::credentials(error.to_string()))
}
