//! Serves the replica standalone until Ctrl-C, printing its address and a `curl --resolve` hint per host.
//!
//! Usage: `sotehaku-replica [PORT]` (default: a free port on 127.0.0.1).

use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = match std::env::args().nth(1) {
        Some(p) => p
            .parse::<u16>()
            .map_err(|e| format!("PORT must be a number 0-65535: {e}"))?,
        None => 0,
    };
    let config = sotehaku_replica::ReplicaConfig {
        port,
        ..Default::default()
    };
    let replica = sotehaku_replica::Replica::start_with(config)?;
    println!("sotehaku-replica listening on http://{}", replica.addr());
    for (host, addr) in replica.resolve_map() {
        let (ip, port) = (addr.ip(), addr.port());
        println!("  {host:<36} curl --resolve {host}:{port}:{ip} http://{host}:{port}/");
    }
    println!("Press Ctrl-C to stop.");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    let n = replica.request_log().len();
    println!("served {n} requests");
    drop(replica);
    std::thread::sleep(Duration::from_millis(10));
    Ok(())
}
