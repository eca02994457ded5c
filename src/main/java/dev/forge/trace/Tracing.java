package dev.forge.trace;

import dev.forge.config.TracingConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Forge's traces: OpenTelemetry spans exported over OTLP/HTTP, or nothing at all ({@link #OFF}) when no collector is
 * configured — then no span is made and nothing is wired into the request path. A request's span is carried in the
 * OpenTelemetry {@link Context} of the thread that handles it, with this object beside it, so code deeper down (an
 * upstream call, a wait) makes its child span without being handed anything ({@link UpstreamSpan}).
 */
public final class Tracing implements AutoCloseable {

    public static final Tracing OFF = new Tracing(null, null);
    static final ContextKey<Tracing> KEY = ContextKey.named("forge-tracing");
    /** Spans queued for export at most; past it new ones are dropped (counted by the SDK), never memory without end. */
    private static final int MAX_QUEUED = 8192;
    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final SdkTracerProvider provider;
    final Tracer tracer;

    private Tracing(SdkTracerProvider provider, Tracer tracer) {
        this.provider = provider;
        this.tracer = tracer;
    }

    /** Starts exporting as configured; {@link #OFF} when the configuration names no collector. */
    public static Tracing start(TracingConfig config, String version) {
        if (config == null || !config.enabled()) {
            return OFF;
        }
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().setEndpoint(config.tracesUrl())
                .setTimeout(Duration.ofSeconds(10));
        config.headers().forEach(exporter::addHeader);
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), config.serviceName(),
                AttributeKey.stringKey("service.version"), version)));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter.build())
                        .setScheduleDelay(config.exportDelay())
                        .setMaxQueueSize(MAX_QUEUED)
                        .build())
                .build();
        return new Tracing(provider, provider.get("dev.forge", version));
    }

    public boolean on() {
        return provider != null;
    }

    /**
     * A span for one MCP request, under the client's trace when it sent a W3C {@code traceparent} (null: a new trace).
     */
    public RequestSpan request(String name, String traceparent, String tracestate) {
        if (!on()) {
            return RequestSpan.NONE;
        }
        Context parent = Context.root();
        if (traceparent != null) {
            Map<String, String> carrier = tracestate == null ? Map.of("traceparent", traceparent)
                    : Map.of("traceparent", traceparent, "tracestate", tracestate);
            parent = W3CTraceContextPropagator.getInstance().extract(parent, carrier, FROM_MAP);
        }
        return new RequestSpan(this, tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan());
    }

    /** Sends what is queued and stops. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
