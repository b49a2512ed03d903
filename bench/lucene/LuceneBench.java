// The Lucene 8 side of sotehaku-bench: indexes the peer documents (JSON Lines written by the bench) with Lucene's
// FinnishAnalyzer and runs the bench query set, printing one JSON object of timings on standard output.
//
//   java -cp <lucene jars>:<dir> LuceneBench index <docs.jsonl> <index-dir> <threads>
//   java -cp <lucene jars>:<dir> LuceneBench query <index-dir> <queries.tsv> <warmup-rounds> <rounds>
//
// Fields as in the Rust engines: title and text (analysed, positions), a stored copy of the record, StringFields for
// filtering and sorted-set doc-values facets for region, theme, doc_type and year, and a LongPoint day for ranges.
// Licence: MIT OR Apache-2.0, like the rest of sotehaku.

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.Facets;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesReaderState;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

public final class LuceneBench {
    private static final String[] DIMS = {"region", "theme", "doc_type", "year"};
    private static final Document POISON = new Document();

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("index")) {
            index(Paths.get(args[1]), Paths.get(args[2]), Integer.parseInt(args[3]));
        } else if (args.length == 5 && args[0].equals("query")) {
            query(Paths.get(args[1]), Paths.get(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else {
            System.err.println("usage: LuceneBench index <docs.jsonl> <dir> <threads> | query <dir> <queries.tsv> <warmup> <rounds>");
            System.exit(2);
        }
    }

    private static FacetsConfig facetsConfig() {
        FacetsConfig config = new FacetsConfig();
        config.setMultiValued("region", true);
        config.setMultiValued("theme", true);
        return config;
    }

    // ---- indexing ----

    private static void index(Path input, Path dir, int threads) throws Exception {
        long started = System.nanoTime();
        FacetsConfig config = facetsConfig();
        IndexWriterConfig iwc = new IndexWriterConfig(new FinnishAnalyzer());
        iwc.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        iwc.setRAMBufferSizeMB(256);
        AtomicLong count = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (FSDirectory directory = FSDirectory.open(dir); IndexWriter writer = new IndexWriter(directory, iwc)) {
            BlockingQueue<Document> queue = new ArrayBlockingQueue<>(1024);
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    try {
                        while (true) {
                            Document d = queue.take();
                            if (d == POISON) {
                                return;
                            }
                            writer.addDocument(config.build(d));
                            count.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                });
                t.start();
                workers.add(t);
            }
            try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null && failure.get() == null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    queue.put(toDocument(line));
                }
            }
            for (int i = 0; i < threads; i++) {
                queue.put(POISON);
            }
            for (Thread t : workers) {
                t.join();
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            writer.commit();
        }
        double secs = (System.nanoTime() - started) / 1e9;
        System.out.println("{\"docs\":" + count.get() + ",\"secs\":" + secs + "}");
    }

    @SuppressWarnings("unchecked")
    private static Document toDocument(String line) {
        Map<String, Object> rec = new Json(line).object();
        Document d = new Document();
        d.add(new StringField("id", str(rec.get("id")), Field.Store.YES));
        d.add(new TextField("title", str(rec.get("title")), Field.Store.NO));
        d.add(new TextField("text", str(rec.get("text")), Field.Store.NO));
        d.add(new StoredField("doc", line));
        for (String dim : new String[] {"regions", "themes"}) {
            Object v = rec.get(dim);
            if (v instanceof List) {
                String name = dim.substring(0, dim.length() - 1);
                for (Object o : (List<Object>) v) {
                    d.add(new StringField(name, str(o), Field.Store.NO));
                    d.add(new SortedSetDocValuesFacetField(name, str(o)));
                }
            }
        }
        String type = str(rec.get("doc_type"));
        if (!type.isEmpty()) {
            d.add(new StringField("doc_type", type, Field.Store.NO));
            d.add(new SortedSetDocValuesFacetField("doc_type", type));
        }
        Object year = rec.get("year");
        if (year instanceof String) {
            d.add(new SortedSetDocValuesFacetField("year", (String) year));
        }
        Object day = rec.get("day");
        if (day instanceof Long) {
            d.add(new LongPoint("day", (Long) day));
        }
        return d;
    }

    private static String str(Object o) {
        return o instanceof String ? (String) o : "";
    }

    // ---- querying ----

    private static final class BenchQuery {
        String text;
        String region;
        String theme;
        LocalDate from;
        LocalDate to;
    }

    private static List<BenchQuery> readQueries(Path file) throws IOException {
        List<BenchQuery> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length != 3) {
                throw new IOException("bad query line: " + line);
            }
            BenchQuery q = new BenchQuery();
            q.text = cols[1].trim();
            for (String f : cols[2].split(";")) {
                f = f.trim();
                int eq = f.indexOf('=');
                if (f.isEmpty() || f.equals("-") || eq < 0) {
                    continue;
                }
                String k = f.substring(0, eq);
                String v = f.substring(eq + 1);
                switch (k) {
                    case "region": q.region = v; break;
                    case "theme": q.theme = v; break;
                    case "from": q.from = LocalDate.parse(v); break;
                    case "to": q.to = LocalDate.parse(v); break;
                    default: throw new IOException("unknown filter " + k);
                }
            }
            out.add(q);
        }
        return out;
    }

    private static void query(Path dir, Path queryFile, int warmup, int rounds) throws Exception {
        List<BenchQuery> queries = readQueries(queryFile);
        try (FSDirectory directory = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(directory)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            SortedSetDocValuesReaderState state = new DefaultSortedSetDocValuesReaderState(reader);
            MultiFieldQueryParser parser = new MultiFieldQueryParser(new String[] {"title", "text"}, new FinnishAnalyzer());
            parser.setDefaultOperator(QueryParser.Operator.AND);
            long[] totals = new long[queries.size()];
            for (int r = 0; r < warmup; r++) {
                for (int i = 0; i < queries.size(); i++) {
                    totals[i] = run(searcher, state, parser, queries.get(i));
                }
            }
            StringBuilder lat = new StringBuilder();
            long wallStart = System.nanoTime();
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < queries.size(); i++) {
                    long t = System.nanoTime();
                    totals[i] = run(searcher, state, parser, queries.get(i));
                    long us = (System.nanoTime() - t) / 1000;
                    if (lat.length() > 0) {
                        lat.append(',');
                    }
                    lat.append(us);
                }
            }
            double wall = (System.nanoTime() - wallStart) / 1e9;
            StringBuilder tot = new StringBuilder();
            for (int i = 0; i < totals.length; i++) {
                if (i > 0) {
                    tot.append(',');
                }
                tot.append(totals[i]);
            }
            System.out.println("{\"wall_secs\":" + wall + ",\"latencies_us\":[" + lat + "],\"totals\":[" + tot + "]}");
        }
    }

    private static long run(IndexSearcher searcher, SortedSetDocValuesReaderState state, QueryParser parser,
            BenchQuery q) throws Exception {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(parser.parse(q.text), BooleanClause.Occur.MUST);
        if (q.region != null) {
            b.add(new TermQuery(new Term("region", q.region)), BooleanClause.Occur.FILTER);
        }
        if (q.theme != null) {
            b.add(new TermQuery(new Term("theme", q.theme)), BooleanClause.Occur.FILTER);
        }
        if (q.from != null || q.to != null) {
            long lo = q.from == null ? Long.MIN_VALUE : q.from.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            long hi = q.to == null ? Long.MAX_VALUE : q.to.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            b.add(LongPoint.newRangeQuery("day", lo, hi), BooleanClause.Occur.FILTER);
        }
        Query query = b.build();
        FacetsCollector fc = new FacetsCollector();
        TopDocs top = FacetsCollector.search(searcher, query, 10, fc);
        Facets facets = new SortedSetDocValuesFacetCounts(state, fc);
        for (String dim : DIMS) {
            try {
                FacetResult unused = facets.getTopChildren(1000, dim);
            } catch (IllegalArgumentException noSuchDim) {
                // The dimension has no values in this index.
            }
        }
        for (ScoreDoc sd : top.scoreDocs) {
            searcher.doc(sd.doc);
        }
        long total = 0;
        for (FacetsCollector.MatchingDocs m : fc.getMatchingDocs()) {
            total += m.totalHits;
        }
        return total;
    }

    // ---- a minimal JSON reader for the flat records the bench writes ----

    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Map<String, Object> object() {
            Map<String, Object> m = new HashMap<>();
            ws();
            expect('{');
            ws();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                ws();
                String k = string();
                ws();
                expect(':');
                m.put(k, value());
                ws();
                char c = s.charAt(i++);
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or } at " + i);
                }
            }
        }

        private Object value() {
            ws();
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                ws();
                if (peek() == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    char d = s.charAt(i++);
                    if (d == ']') {
                        return l;
                    }
                    if (d != ',') {
                        throw new IllegalArgumentException("expected , or ] at " + i);
                    }
                }
            }
            if (c == '{') {
                return object();
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String num = s.substring(start, i);
            if (num.isEmpty()) {
                throw new IllegalArgumentException("unexpected character at " + i);
            }
            return num.contains(".") || num.contains("e") || num.contains("E") ? (Object) Double.valueOf(num) : (Object) Long.valueOf(num);
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 't': b.append('\t'); break;
                    case 'r': b.append('\r'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                    default: b.append(e);
                }
            }
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            return s.charAt(i);
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) {
                throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
            }
        }
    }
}
