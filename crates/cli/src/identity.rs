//! `gatehouse identity serve`: the local identity endpoint as a command.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use gatehouse_identity_server::{IdentityServer, ServerConfig};

use crate::{EXIT_OK, EXIT_USAGE};

#[derive(Debug, clap::Subcommand)]
pub enum IdentityCommand {
    /// Serve the IMDS, App Service and Entra token protocols on loopback, signing RS256 tokens
    /// with a key generated at start. Stops on Ctrl-C.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:40342")]
    pub listen: SocketAddr,

    /// Tenant id written into tokens (`tid`, `iss`).
    #[arg(long)]
    pub tenant: Option<String>,

    /// Token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    pub lifetime: u64,

    /// The `X-IDENTITY-HEADER` value App Service clients must send (random if not given).
    #[arg(long)]
    pub app_service_secret: Option<String>,
}

pub(crate) fn run(command: IdentityCommand, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let IdentityCommand::Serve(args) = command;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = writeln!(stderr, "error: cannot start the runtime: {error}");
            return EXIT_USAGE;
        }
    };
    runtime.block_on(serve(args, stdout, stderr))
}

async fn serve(args: ServeArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let mut config = ServerConfig {
        token_lifetime: Duration::from_secs(args.lifetime),
        ..ServerConfig::default()
    };
    if let Some(tenant) = args.tenant {
        config.tenant_id = tenant;
    }
    if let Some(secret) = args.app_service_secret {
        config.app_service_secret = secret;
    }
    let server = match IdentityServer::start(config, args.listen).await {
        Ok(server) => server,
        Err(error) => {
            let _ = writeln!(stderr, "error: cannot listen on {}: {error}", args.listen);
            return EXIT_USAGE;
        }
    };
    let config = server.config();
    let base = server.base_url();
    let workload = config
        .workload_identities
        .first()
        .map(|identity| identity.client_id.as_str())
        .unwrap_or_default();
    let _ = writeln!(stdout, "identity endpoint listening on {base}");
    let _ = writeln!(
        stdout,
        "  imds:         GATEHOUSE_IMDS_ENDPOINT={}",
        server.imds_endpoint()
    );
    let _ = writeln!(
        stdout,
        "  app service:  IDENTITY_ENDPOINT={} IDENTITY_HEADER={}",
        server.app_service_endpoint(),
        config.app_service_secret
    );
    let _ = writeln!(
        stdout,
        "  workload id:  AZURE_AUTHORITY_HOST={base} AZURE_TENANT_ID={} AZURE_CLIENT_ID={workload}",
        config.tenant_id
    );
    let _ = writeln!(
        stdout,
        "  keys:         {base}/{}/discovery/keys",
        config.tenant_id
    );
    let _ = stdout.flush();
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    EXIT_OK
}
