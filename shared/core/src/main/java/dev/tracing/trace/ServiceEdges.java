package dev.tracing.trace;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which service each span of a trace belongs to, and the spans still waiting for their parent:
 * what finding calls between services needs when a trace's spans arrive in several requests (each
 * service exports its own spans, so a server span often arrives before the client span that
 * called it, or long after).
 *
 * <p>An edge is reported once, by the {@link #add} call in which both its spans are known: when
 * the child arrives after its parent, or when the parent arrives after children that were waiting.
 * The caller adds only spans it has not added before (the trace summary knows which), so a
 * retried request reports nothing twice.
 *
 * <p>Bounded: at most {@link TraceSummary#MAX_TRACKED_SPANS} spans are remembered and at most
 * {@link #MAX_PENDING} children wait; calls beyond these bounds in one trace are not counted.
 */
public final class ServiceEdges {
  public static final int MAX_PENDING = 1_000;
  private static final int FORMAT = 2;

  /** A call from one service to another: the child span's start, duration and status. */
  public record Edge(String parent, String child, long childStartNano, long durationNano, boolean error) {
  }

  private record Pending(long parentSpanId, String service, long startNano, long durationNano, boolean error) {
  }

  private final Map<Long, String> serviceOf;
  private final List<Pending> pending;

  public ServiceEdges() {
    this(new HashMap<>(), new ArrayList<>());
  }

  private ServiceEdges(Map<Long, String> serviceOf, List<Pending> pending) {
    this.serviceOf = serviceOf;
    this.pending = pending;
  }

  /**
   * Adds spans not added before.
   *
   * @return the calls between different services that these spans complete
   */
  public List<Edge> add(List<SpanFacts> spans) {
    for (SpanFacts f : spans) {
      if (serviceOf.size() < TraceSummary.MAX_TRACKED_SPANS) {
        serviceOf.putIfAbsent(f.spanId(), f.service());
      }
    }
    List<Edge> edges = new ArrayList<>();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      String parent = serviceOf.get(p.parentSpanId());
      if (parent != null) {
        it.remove();
        if (!parent.equals(p.service())) {
          edges.add(new Edge(parent, p.service(), p.startNano(), p.durationNano(), p.error()));
        }
      }
    }
    for (SpanFacts f : spans) {
      if (f.root() || f.parentSpanId() == 0) {
        continue;
      }
      String parent = serviceOf.get(f.parentSpanId());
      if (parent == null) {
        if (pending.size() < MAX_PENDING) {
          pending.add(new Pending(f.parentSpanId(), f.service(), f.startNano(), f.durationNano(), f.isError()));
        }
      } else if (!parent.equals(f.service())) {
        edges.add(new Edge(parent, f.service(), f.startNano(), f.durationNano(), f.isError()));
      }
    }
    return edges;
  }

  /** How many children wait for a parent span that has not arrived. */
  public int pendingCount() {
    return pending.size();
  }

  /**
   * Services as a dictionary, then the service of each span the summary tracks, by position in its
   * sorted span ids (no id written again: about one byte a span), then spans it does not track with
   * their ids, then the waiting children.
   *
   * @param trackedSpanIds the summary's sorted span ids as they will be stored with this state
   */
  public byte[] encode(long[] trackedSpanIds) {
    try {
      Map<String, Integer> dictionary = new LinkedHashMap<>();
      serviceOf.values().forEach(s -> dictionary.putIfAbsent(s, dictionary.size()));
      pending.forEach(p -> dictionary.putIfAbsent(p.service(), dictionary.size()));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + serviceOf.size() * 9 + pending.size() * 24);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      Varints.write(out, dictionary.size());
      for (String s : dictionary.keySet()) {
        out.writeUTF(s);
      }
      Varints.write(out, trackedSpanIds.length);
      for (long id : trackedSpanIds) {
        String service = serviceOf.get(id);
        Varints.write(out, service == null ? 0 : dictionary.get(service) + 1);
      }
      List<Map.Entry<Long, String>> untracked = new ArrayList<>();
      for (Map.Entry<Long, String> e : serviceOf.entrySet()) {
        if (java.util.Arrays.binarySearch(trackedSpanIds, e.getKey()) < 0) {
          untracked.add(e);
        }
      }
      Varints.write(out, untracked.size());
      for (Map.Entry<Long, String> e : untracked) {
        out.writeLong(e.getKey());
        Varints.write(out, dictionary.get(e.getValue()));
      }
      Varints.write(out, pending.size());
      for (Pending p : pending) {
        out.writeLong(p.parentSpanId());
        Varints.write(out, dictionary.get(p.service()));
        out.writeLong(p.startNano());
        Varints.write(out, p.durationNano());
        out.writeBoolean(p.error());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @param trackedSpanIds the sorted span ids of the summary stored with this state */
  public static ServiceEdges decode(byte[] data, long[] trackedSpanIds) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IOException("unknown service edge format " + format);
      }
      String[] dictionary = new String[Varints.readCount(in, TraceSummary.MAX_TRACKED_SPANS)];
      for (int i = 0; i < dictionary.length; i++) {
        dictionary[i] = in.readUTF();
      }
      int tracked = Varints.readCount(in, TraceSummary.MAX_TRACKED_SPANS);
      if (tracked != trackedSpanIds.length) {
        throw new IOException("the state lists " + tracked + " spans, the summary tracks " + trackedSpanIds.length);
      }
      Map<Long, String> serviceOf = new HashMap<>(Math.max(16, tracked * 2));
      for (long id : trackedSpanIds) {
        int index = Varints.readCount(in, dictionary.length);
        if (index > 0) {
          serviceOf.put(id, dictionary[index - 1]);
        }
      }
      int untracked = Varints.readCount(in, TraceSummary.MAX_TRACKED_SPANS);
      for (int i = 0; i < untracked; i++) {
        long id = in.readLong();
        serviceOf.put(id, dictionary[Varints.readCount(in, dictionary.length - 1)]);
      }
      int waiting = Varints.readCount(in, MAX_PENDING);
      List<Pending> pending = new ArrayList<>(waiting);
      for (int i = 0; i < waiting; i++) {
        pending.add(new Pending(in.readLong(), dictionary[Varints.readCount(in, dictionary.length - 1)], in.readLong(),
            Varints.read(in), in.readBoolean()));
      }
      if (in.available() > 0) {
        throw new IOException(in.available() + " bytes left over");
      }
      return new ServiceEdges(serviceOf, pending);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt service edge state", e);
    }
  }
}
