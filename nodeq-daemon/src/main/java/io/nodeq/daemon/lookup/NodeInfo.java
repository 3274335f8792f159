package io.nodeq.daemon.lookup;

/** What this daemon tells every lookup in IDENTIFY (nsq-protocol.md §3.1). */
public record NodeInfo(String broadcastAddress, String hostname, int tcpPort, int httpPort, String version) {
}
