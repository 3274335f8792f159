package io.nodeq.admin;

import io.nodeq.client.NsqAddress;

import java.util.Locale;

/**
 * An upstream address as given on the command line or by a lookup: {@code host:port},
 * {@code [v6]:port}, optionally prefixed with {@code http://} or {@code https://} (and a path,
 * which is dropped); the {@code host:port} part is an {@link NsqAddress}.
 */
record UpstreamAddress(String scheme, NsqAddress address) {

    static UpstreamAddress parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("empty address");
        }
        String scheme = "http";
        String rest = address.trim();
        int sep = rest.indexOf("://");
        if (sep >= 0) {
            scheme = rest.substring(0, sep).toLowerCase(Locale.ROOT);
            rest = rest.substring(sep + 3);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("unsupported scheme in address: " + address);
            }
        }
        int slash = rest.indexOf('/');
        return new UpstreamAddress(scheme, NsqAddress.parse(slash >= 0 ? rest.substring(0, slash) : rest, -1));
    }

    String url(String pathAndQuery) {
        return scheme + "://" + address + pathAndQuery;
    }
}
