package dev.forge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a loopback port to a local service (Redis, here), which a test can cut and restore: the service
 * becoming unreachable for a while without stopping it for everyone else on the machine.
 */
public final class TcpRelay implements AutoCloseable {

    private final int target;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    public TcpRelay(int target) throws IOException {
        this.target = target;
        ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = first.getLocalPort();
        accept(first);
    }

    public int port() {
        return port;
    }

    /** Refuses new connections and drops the open ones, as a service gone away does. */
    public synchronized void cut() throws IOException {
        ServerSocket listening = server;
        server = null;
        if (listening != null) {
            listening.close();
        }
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }

    /** Takes connections again, on the same port (an ephemeral one: nothing else on this machine asks for it by number). */
    public synchronized void restore() throws IOException {
        ServerSocket again = new ServerSocket();
        again.setReuseAddress(true);
        again.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        accept(again);
    }

    private void accept(ServerSocket listening) {
        server = listening;
        Thread.ofVirtual().name("tcp-relay").start(() -> {
            while (!listening.isClosed()) {
                Socket client;
                try {
                    client = listening.accept();
                } catch (IOException e) {
                    return; // cut
                }
                synchronized (this) {
                    if (server != listening) { // cut while this one was being accepted
                        closeQuietly(client);
                        return;
                    }
                    try {
                        Socket service = new Socket(InetAddress.getLoopbackAddress(), target);
                        open.add(client);
                        open.add(service);
                        pipe(client, service);
                        pipe(service, client);
                    } catch (IOException e) {
                        closeQuietly(client); // the service refused this one: the next may do better
                    }
                }
            }
        });
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread.ofVirtual().name("tcp-relay-pipe").start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed: the other goes with it
            } finally {
                closeQuietly(to);
                closeQuietly(from);
                open.remove(to);
                open.remove(from);
            }
        });
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
