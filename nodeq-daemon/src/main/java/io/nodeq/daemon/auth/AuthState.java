package io.nodeq.daemon.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What an auth server granted one secret (nsq-protocol.md §1.13): who it is, until when, and the
 * topic/channel regexes with their permissions. Regexes are unanchored (substring match, as Go's
 * {@code MatchString}); a publish is checked against channel "" like nsqd, so it needs a channel
 * regex that matches the empty string (pitfall 18).
 *
 * <p>Immutable: it crosses from the HTTP client's callback to the connection as a value.
 */
public record AuthState(String identity, String identityUrl, long expiresAtNanos, List<Authorization> authorizations) {

    public AuthState {
        authorizations = List.copyOf(authorizations);
    }

    /** One entry of {@code authorizations}. */
    public record Authorization(Pattern topic, List<Pattern> channels, boolean subscribe, boolean publish) {
        public Authorization {
            channels = List.copyOf(channels);
        }

        boolean allows(String topicName, String channelName) {
            if (channelName.isEmpty() ? !publish : !subscribe) {
                return false;
            }
            if (!topic.matcher(topicName).find()) {
                return false;
            }
            for (Pattern c : channels) {
                if (c.matcher(channelName).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    public boolean hasAuthorizations() {
        return !authorizations.isEmpty();
    }

    public boolean expired(long nowNanos) {
        return nowNanos - expiresAtNanos >= 0;
    }

    /** Publish: {@code channel} "" (nsqd checks it against the channel regexes too). */
    public boolean allows(String topic, String channel) {
        for (Authorization a : authorizations) {
            if (a.allows(topic, channel)) {
                return true;
            }
        }
        return false;
    }

    public int permissionCount() {
        return authorizations.size();
    }
}
