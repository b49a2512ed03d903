//! Serves the replica standalone until Ctrl-C, printing its address and a `curl --resolve` hint per host.

use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let replica = sotehaku_replica::Replica::start()?;
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
