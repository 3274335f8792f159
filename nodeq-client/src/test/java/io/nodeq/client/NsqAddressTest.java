package io.nodeq.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one host:port type: connect addresses, listen addresses, IPv6. */
class NsqAddressTest {

    @Test
    void connectAddresses() {
        assertThat(NsqAddress.parse("h:4150", 1)).isEqualTo(new NsqAddress("h", 4150));
        assertThat(NsqAddress.parse("h", 4161)).isEqualTo(new NsqAddress("h", 4161));
        assertThat(NsqAddress.parse("[::1]:4150", 1)).isEqualTo(new NsqAddress("::1", 4150));
        assertThat(NsqAddress.parse("[::1]", 4150)).isEqualTo(new NsqAddress("::1", 4150));
        assertThat(NsqAddress.parse("[::1]:4150", 1)).hasToString("[::1]:4150");
        assertThatThrownBy(() -> NsqAddress.parse("h", -1)).hasMessage("invalid address \"h\" (want host:port)");
        assertThatThrownBy(() -> NsqAddress.parse("h:x", 1)).hasMessage("invalid port in address \"h:x\"");
        assertThatThrownBy(() -> NsqAddress.parse("h:70000", 1)).hasMessage("invalid port in address \"h:70000\"");
        assertThatThrownBy(() -> NsqAddress.parse("h:0", 1)).hasMessage("port out of range 1-65535 in address \"h:0\"");
        assertThatThrownBy(() -> NsqAddress.parse(":4150", 1)).hasMessage("host must not be blank");
    }

    @Test
    void listenAddresses() {
        assertThat(NsqAddress.listen("127.0.0.1:0")).isEqualTo(new NsqAddress("127.0.0.1", 0));
        assertThat(NsqAddress.listen(":4150")).isEqualTo(new NsqAddress("0.0.0.0", 4150));
        assertThat(NsqAddress.listen("0.0.0.0:4151")).isEqualTo(new NsqAddress("0.0.0.0", 4151));
        assertThat(NsqAddress.listen("[::]:4150")).isEqualTo(new NsqAddress("::", 4150));
        assertThatThrownBy(() -> NsqAddress.listen("nohost")).hasMessage("invalid address \"nohost\" (want host:port)");
        assertThatThrownBy(() -> NsqAddress.listen("[::1]")).hasMessage("invalid address \"[::1]\" (want host:port)");
        assertThatThrownBy(() -> NsqAddress.listen("")).hasMessage("missing address (want host:port)");
    }
}
