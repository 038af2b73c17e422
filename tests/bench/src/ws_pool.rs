//! WebSocket clients in a process of their own (`kt-bench ws-pool`, started by the tickets
//! bench): 10,000 subscribers and the host serving them would need 20,000 sockets in one
//! process, past this machine's hard limit on open files. The pool talks to its parent over
//! stdin/stdout, one line per message:
//!
//! * parent -> pool: `sub <ticket id>` per subscriber, then `open`; `round <k> <t0>` before
//!   each change (`t0`: wall clock, ns since the epoch); `quit`.
//! * pool -> parent: `ready <n>` once every socket is subscribed (its snapshot read);
//!   `heard <k> <ns,ns,...>` when every socket has heard a position message since round `k`
//!   began, with each one's arrival after `t0`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use futures::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio_tungstenite::tungstenite::Message;

use crate::tickets::{Session, subscribe_all};

fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

/// The pool's side: runs until `quit` or the end of stdin.
pub async fn serve(addr: SocketAddr, host: String, cookie: String) -> anyhow::Result<()> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut out = tokio::io::stdout();
    let mut tickets = Vec::new();
    while let Some(line) = lines.next_line().await? {
        match line.split_once(' ') {
            Some(("sub", id)) => tickets.push(id.to_owned()),
            _ if line == "open" => break,
            _ => bail!("unexpected {line:?}"),
        }
    }
    let who = Session { cookie, csrf: String::new() };
    let sockets = subscribe_all(addr, &host, &who, &tickets).await?;
    let n = sockets.len();
    let round = Arc::new(AtomicUsize::new(0));
    let t0 = Arc::new(AtomicU64::new(0));
    let heard = Arc::new(AtomicUsize::new(0));
    let all_heard = Arc::new(tokio::sync::Notify::new());
    let arrivals: Arc<Vec<AtomicU64>> = Arc::new((0..n).map(|_| AtomicU64::new(0)).collect());
    for (i, mut ws) in sockets.into_iter().enumerate() {
        let (round, t0, heard, all_heard, arrivals) =
            (round.clone(), t0.clone(), heard.clone(), all_heard.clone(), arrivals.clone());
        tokio::spawn(async move {
            let mut last_round = 0;
            while let Some(Ok(Message::Text(t))) = ws.next().await {
                let now = round.load(Ordering::Acquire);
                if now > last_round && t.contains("\"ticket.position\"") {
                    last_round = now;
                    arrivals[i].store(now_ns().saturating_sub(t0.load(Ordering::Acquire)), Ordering::Relaxed);
                    if heard.fetch_add(1, Ordering::AcqRel) + 1 == n {
                        all_heard.notify_one();
                    }
                }
            }
        });
    }
    out.write_all(format!("ready {n}\n").as_bytes()).await?;
    out.flush().await?;
    while let Some(line) = lines.next_line().await? {
        let mut parts = line.split(' ');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("round"), Some(k), Some(start)) => {
                let k: usize = k.parse()?;
                heard.store(0, Ordering::Release);
                t0.store(start.parse()?, Ordering::Release);
                round.store(k, Ordering::Release);
                tokio::time::timeout(Duration::from_secs(30), all_heard.notified())
                    .await
                    .context("subscribers did not all hear of the change within 30 s")?;
                let each: Vec<String> = arrivals.iter().map(|a| a.load(Ordering::Relaxed).to_string()).collect();
                out.write_all(format!("heard {k} {}\n", each.join(",")).as_bytes()).await?;
                out.flush().await?;
            }
            (Some("quit"), ..) => break,
            _ => bail!("unexpected {line:?}"),
        }
    }
    Ok(())
}

/// The parent's handle on a pool.
pub struct Pool {
    child: Child,
    stdin: ChildStdin,
    lines: tokio::io::Lines<BufReader<ChildStdout>>,
}

impl Pool {
    /// Starts a pool of one subscriber per ticket and waits until all are subscribed.
    pub async fn start(addr: SocketAddr, host: &str, cookie: &str, tickets: &[String]) -> anyhow::Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["ws-pool", "--addr", &addr.to_string(), "--host", host, "--cookie", cookie])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting the WebSocket pool")?;
        let mut stdin = child.stdin.take().context("pool stdin")?;
        let mut lines = BufReader::new(child.stdout.take().context("pool stdout")?).lines();
        let mut script = String::new();
        for t in tickets {
            script.push_str(&format!("sub {t}\n"));
        }
        script.push_str("open\n");
        stdin.write_all(script.as_bytes()).await?;
        stdin.flush().await?;
        let ready = lines.next_line().await?.context("the pool ended before it was ready")?;
        anyhow::ensure!(ready == format!("ready {}", tickets.len()), "pool: {ready}");
        Ok(Self { child, stdin, lines })
    }

    /// Starts round `k` now; returns its start (ns since the epoch).
    pub async fn round(&mut self, k: usize) -> anyhow::Result<u64> {
        let t0 = now_ns();
        self.stdin.write_all(format!("round {k} {t0}\n").as_bytes()).await?;
        self.stdin.flush().await?;
        Ok(t0)
    }

    /// Each subscriber's arrival after the start of round `k` (ns).
    pub async fn heard(&mut self, k: usize) -> anyhow::Result<Vec<u64>> {
        let line = tokio::time::timeout(Duration::from_secs(40), self.lines.next_line())
            .await
            .context("the pool did not answer within 40 s")??
            .context("the pool ended")?;
        let rest = line.strip_prefix(&format!("heard {k} ")).with_context(|| format!("pool: {line}"))?;
        rest.split(',').map(|n| n.parse::<u64>().context("an arrival")).collect()
    }

    pub async fn stop(mut self) {
        let _ = self.stdin.write_all(b"quit\n").await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
    }
}
