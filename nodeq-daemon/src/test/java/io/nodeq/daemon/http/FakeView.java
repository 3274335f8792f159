package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.DaemonView;
import io.nodeq.daemon.broker.Broker;

import java.util.List;

/** A DaemonView over a {@link FakeBroker}; the mutable settings are volatile. Test-only. */
final class FakeView implements DaemonView {
    final FakeBroker broker = new FakeBroker();
    final DaemonOptions options;
    volatile List<String> lookupds;
    volatile String logLevel;

    FakeView(DaemonOptions options) {
        this.options = options;
        this.lookupds = options.lookupdTcpAddresses();
        this.logLevel = options.logLevel();
    }

    @Override
    public DaemonOptions options() {
        return options;
    }

    @Override
    public Broker broker() {
        return broker;
    }

    @Override
    public int tcpPort() {
        return 4150;
    }

    @Override
    public long startTime() {
        return 1795393326L;
    }

    @Override
    public List<String> lookupdTcpAddresses() {
        return lookupds;
    }

    @Override
    public void setLookupdTcpAddresses(List<String> addresses) {
        lookupds = List.copyOf(addresses);
    }

    @Override
    public String logLevel() {
        return logLevel;
    }

    @Override
    public void setLogLevel(String level) {
        logLevel = level;
    }
}
