package dev.forge.upstream;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The SSRF guard: which addresses Forge may connect to on behalf of a registered upstream or REST tool.
 * Link-local and cloud metadata addresses are always refused; private ranges only with
 * {@code SSRF_ALLOW_PRIVATE_NETWORKS}; loopback unless {@code SSRF_ALLOW_LOCALHOST=false}. Installed as the upstream
 * HTTP client's resolver, so it judges the address actually connected to — after redirects of an SSE endpoint,
 * after a REST tool's URL template is filled in, and after any DNS rebinding.
 */
public final class AddressPolicy implements SocketAddressResolver {

    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata", "instance-data",
            "instance-data.ec2.internal", "metadata.azure.com");

    /** Name resolution, the system's unless given (tests stand in for DNS with it). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final boolean allowLoopback;
    private final Set<String> trustedHosts;
    private final Resolver resolver;

    public AddressPolicy(boolean allowPrivate, boolean allowLoopback) {
        this(allowPrivate, allowLoopback, Set.of());
    }

    /** {@code trustedHosts}: hosts the operator named for Forge's own use (its service manager), allowed in any range. */
    public AddressPolicy(boolean allowPrivate, boolean allowLoopback, Set<String> trustedHosts) {
        this(allowPrivate, allowLoopback, trustedHosts, InetAddress::getAllByName);
    }

    public AddressPolicy(boolean allowPrivate, boolean allowLoopback, Set<String> trustedHosts, Resolver resolver) {
        this.resolver = resolver;
        this.allowPrivate = allowPrivate;
        this.allowLoopback = allowLoopback;
        this.trustedHosts = trustedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * Null if Forge may connect to the URL's host; otherwise why not. Resolves the name. Judged as a resolver would
     * read it: a trailing dot dropped, an IPv4 address in any numeric form (hex, octal, one number) as the address it
     * is, and an address spelled inside a name ({@code 169.254.169.254.nip.io}, wildcard DNS) as that address, since
     * where there is DNS it resolves to it.
     */
    public String refusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return "no host";
        }
        String name = HostForms.canonical(host);
        if (METADATA_HOSTS.contains(name)) {
            return host + " is a cloud metadata address (always refused)";
        }
        InetAddress spelled = HostForms.ipv4Within(name);
        String spelledRefusal = spelled == null ? null : refusal(host, spelled);
        if (spelledRefusal != null) {
            return spelledRefusal;
        }
        try {
            for (InetAddress address : resolveAll(host)) {
                String why = refusal(host, address);
                if (why != null) {
                    return why;
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return null; // an unknown name is not an SSRF risk now; connecting will fail, or be judged then
        }
    }

    String refusal(String host, InetAddress address) {
        String h = host.toLowerCase(Locale.ROOT);
        String shown = host + (h.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")");
        if (METADATA_HOSTS.contains(h) || isMetadata(address)) {
            return shown + " is a cloud metadata address (always refused)";
        }
        if (address.isLinkLocalAddress() || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return shown + " is a link-local, unspecified or multicast address (always refused)";
        }
        if (trustedHosts.contains(h)) {
            return null;
        }
        if (address.isLoopbackAddress() && !allowLoopback) {
            return shown + " is a loopback address (refused: SSRF_ALLOW_LOCALHOST=false)";
        }
        if (isPrivate(address) && !allowPrivate) {
            return shown + " is in a private network range (refused; set SSRF_ALLOW_PRIVATE_NETWORKS=true to allow)";
        }
        return null;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        if (METADATA_HOSTS.contains(HostForms.canonical(host))) {
            promise.failed(new UnknownHostException("SSRF guard: " + host + " is a cloud metadata address (always refused)"));
            return;
        }
        try {
            List<InetSocketAddress> permitted = new ArrayList<>();
            String refused = null;
            for (InetAddress address : resolveAll(host)) {
                String why = refusal(host, address);
                if (why == null) {
                    permitted.add(new InetSocketAddress(address, port));
                } else {
                    refused = why;
                }
            }
            if (permitted.isEmpty()) {
                promise.failed(new UnknownHostException("SSRF guard: " + (refused == null ? host + " has no address" : refused)));
            } else {
                promise.succeeded(permitted);
            }
        } catch (UnknownHostException e) {
            promise.failed(e);
        }
    }

    private InetAddress[] resolveAll(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress numeric = HostForms.numericIpv4(HostForms.canonical(bare));
        return numeric != null ? new InetAddress[] {numeric} : resolver.resolve(bare);
    }

    private static boolean isMetadata(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int a0 = b[0] & 0xff, a1 = b[1] & 0xff, a2 = b[2] & 0xff, a3 = b[3] & 0xff;
            return (a0 == 169 && a1 == 254) || (a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200);
        }
        // AWS's IPv6 metadata endpoint fd00:ec2::254
        return address instanceof Inet6Address && (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e
                && (b[3] & 0xff) == 0xc2 && (b[15] & 0xff) == 0x54 && (b[14] & 0xff) == 0x02;
    }

    private static boolean isPrivate(InetAddress address) {
        if (address.isSiteLocalAddress()) {
            return true; // 10/8, 172.16/12, 192.168/16
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // carrier-grade NAT 100.64/10
        }
        return (b[0] & 0xfe) == 0xfc; // IPv6 unique local fc00::/7
    }
}
