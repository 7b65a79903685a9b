package dev.bantam.game;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * PUCT Monte Carlo tree search as in AlphaZero: each simulation descends by
 * {@code Q + c_puct · P · √N_parent / (1 + N)}, evaluates the leaf with the network (policy as
 * priors over its legal moves, value for the backup), and backs the value up with alternating
 * sign. Leaves are evaluated in batches: a search thread descends up to {@code batchSize} times,
 * adding a virtual loss along each path so the next descent goes elsewhere, then evaluates all
 * its leaves in one call. Several threads may search one tree; with one thread the search is
 * deterministic for a seed.
 */
public final class Mcts {
    /**
     * @param simulations      leaf evaluations (or terminal visits) per move
     * @param cPuct            exploration constant
     * @param dirichletAlpha   root noise concentration
     * @param dirichletEpsilon share of noise in the root priors (0: none)
     * @param temperature      move choice ∝ visits^(1/T); 0 picks the most visited
     * @param batchSize        leaves per evaluation call
     * @param threads          search threads
     * @param virtualLoss      visits of value -1 added along a pending path
     * @param seed             noise and move choice
     */
    public record Options(int simulations, float cPuct, float dirichletAlpha, float dirichletEpsilon, float temperature,
                          int batchSize, int threads, float virtualLoss, long seed) {
        public Options {
            if (simulations < 1) throw new IllegalArgumentException("simulations must be >= 1, got " + simulations);
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            if (threads < 1) throw new IllegalArgumentException("search threads must be >= 1, got " + threads);
            if (temperature < 0) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }

        /** 50 simulations, c_puct 1.5, no noise, greedy choice, batches of 8, one thread. */
        public static Options defaults() {
            return new Options(50, 1.5f, 0.3f, 0f, 0f, 8, 1, 1f, 1);
        }

        public Options withSimulations(int n) { return new Options(n, cPuct, dirichletAlpha, dirichletEpsilon, temperature, batchSize, threads, virtualLoss, seed); }
        public Options withBatchSize(int n) { return new Options(simulations, cPuct, dirichletAlpha, dirichletEpsilon, temperature, n, threads, virtualLoss, seed); }
        public Options withThreads(int n) { return new Options(simulations, cPuct, dirichletAlpha, dirichletEpsilon, temperature, batchSize, n, virtualLoss, seed); }
        public Options withNoise(float alpha, float epsilon) { return new Options(simulations, cPuct, alpha, epsilon, temperature, batchSize, threads, virtualLoss, seed); }
        public Options withTemperature(float t) { return new Options(simulations, cPuct, dirichletAlpha, dirichletEpsilon, t, batchSize, threads, virtualLoss, seed); }
        public Options withSeed(long s) { return new Options(simulations, cPuct, dirichletAlpha, dirichletEpsilon, temperature, batchSize, threads, virtualLoss, s); }
    }

    /** The chosen move, visit counts per action, and the root's value for the player to move. */
    public record Result(int move, int[] visits, float rootValue, int evaluations) {}

    private static final class Node {
        final GameState state;
        final int move;
        final float prior;
        /** Visits and total value from the view of the player who made {@code move}; virtual losses included while pending. */
        float visits, valueSum;
        Node[] children;
        boolean pending;

        Node(GameState state, int move, float prior) {
            this.state = state;
            this.move = move;
            this.prior = prior;
        }
    }

    private final PositionEvaluator evaluator;
    private final Options o;

    public Mcts(PositionEvaluator evaluator, Options options) {
        this.evaluator = evaluator;
        this.o = options;
    }

    /** Searches from {@code state} (a game not over) and picks a move. */
    public Result search(GameState state) {
        if (state.isOver()) throw new IllegalArgumentException("the game is over: there is no move to search");
        Random random = new Random(o.seed() ^ state.history().hashCode());
        Node root = new Node(state, -1, 1f);
        Evaluation e = evaluator.evaluate(state.history());
        expand(root, e);
        if (o.dirichletEpsilon() > 0) addNoise(root, random);
        int[] done = {1};
        Object tree = new Object();
        Runnable worker = () -> {
            while (true) {
                List<List<Node>> paths = new ArrayList<>();
                synchronized (tree) {
                    int left = o.simulations() - done[0];
                    if (left <= 0) return;
                    for (int b = 0; b < Math.min(o.batchSize(), left); b++) {
                        List<Node> path = descend(root);
                        Node leaf = path.getLast();
                        if (leaf.state.isOver()) {
                            backup(path, leaf.state.outcomeForPlayerToMove());
                            done[0]++;
                            continue;
                        }
                        if (leaf.pending) break;  // every good path is already waiting for the network
                        leaf.pending = true;
                        addVirtualLoss(path, o.virtualLoss());
                        paths.add(path);
                    }
                }
                if (paths.isEmpty()) {
                    Thread.yield();  // another thread's leaves block every path: wait for its results
                    continue;
                }
                List<List<String>> histories = new ArrayList<>(paths.size());
                for (List<Node> p : paths) histories.add(p.getLast().state.history());
                List<Evaluation> results = evaluator.evaluateBatch(histories);
                synchronized (tree) {
                    for (int i = 0; i < paths.size(); i++) {
                        List<Node> p = paths.get(i);
                        Node leaf = p.getLast();
                        addVirtualLoss(p, -o.virtualLoss());
                        expand(leaf, results.get(i));
                        leaf.pending = false;
                        backup(p, results.get(i).value());
                        done[0]++;
                    }
                }
            }
        };
        if (o.threads() == 1) {
            worker.run();
        } else {
            try (ExecutorService pool = Executors.newFixedThreadPool(o.threads())) {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < o.threads(); t++) fs.add(pool.submit(worker));
                for (Future<?> f : fs) f.get();
            } catch (Exception ex) {
                throw new IllegalStateException("search thread failed: " + ex.getMessage(), ex);
            }
        }
        int[] visits = new int[state.actionCount()];
        for (Node c : root.children) visits[c.move] = Math.round(c.visits);
        float rootValue = root.visits == 0 ? e.value() : -root.valueSum / root.visits;
        return new Result(choose(root, random), visits, rootValue, done[0]);
    }

    private List<Node> descend(Node root) {
        List<Node> path = new ArrayList<>();
        path.add(root);
        Node n = root;
        while (n.children != null && n.children.length > 0) {
            Node best = null;
            double bestScore = Double.NEGATIVE_INFINITY, sqrt = Math.sqrt(Math.max(1, n.visits));
            for (Node c : n.children) {
                double q = c.visits == 0 ? 0 : c.valueSum / c.visits;
                double score = q + o.cPuct() * c.prior * sqrt / (1 + c.visits);
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            if (best == null) best = n.children[0];   // every score NaN (an evaluator's NaN): still a legal move
            path.add(best);
            n = best;
        }
        return path;
    }

    private static void expand(Node node, Evaluation e) {
        int[] legal = node.state.legalMoves();
        float[] priors = e.policyOver(legal);
        node.children = new Node[legal.length];
        for (int i = 0; i < legal.length; i++) node.children[i] = new Node(node.state.play(legal[i]), legal[i], priors[i]);
    }

    /** {@code value} is from the view of the player to move at the leaf; each edge stores it for the player who moved. */
    private static void backup(List<Node> path, float value) {
        float v = -value;
        for (int i = path.size() - 1; i >= 0; i--) {
            Node n = path.get(i);
            n.visits += 1;
            n.valueSum += v;
            v = -v;
        }
    }

    private static void addVirtualLoss(List<Node> path, float loss) {
        for (int i = 1; i < path.size(); i++) {
            Node n = path.get(i);
            n.visits += loss;
            n.valueSum -= loss;
        }
    }

    private void addNoise(Node root, Random random) {
        double[] noise = new double[root.children.length];
        double sum = 0;
        for (int i = 0; i < noise.length; i++) sum += noise[i] = gamma(o.dirichletAlpha(), random);
        for (int i = 0; i < noise.length; i++) {
            Node c = root.children[i];
            float p = (float) ((1 - o.dirichletEpsilon()) * c.prior + o.dirichletEpsilon() * noise[i] / sum);
            root.children[i] = new Node(c.state, c.move, p);
        }
    }

    /** Gamma(α, 1) by Marsaglia and Tsang (α < 1 through the boost U^(1/α)). */
    private static double gamma(double alpha, Random r) {
        if (alpha < 1) return gamma(alpha + 1, r) * Math.pow(r.nextDouble(), 1 / alpha);
        double d = alpha - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = r.nextGaussian(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = r.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
        }
    }

    private int choose(Node root, Random random) {
        Node best = root.children[0];
        for (Node c : root.children) if (c.visits > best.visits) best = c;
        if (o.temperature() == 0) return best.move;
        double[] w = new double[root.children.length];
        double sum = 0;
        for (int i = 0; i < w.length; i++) sum += w[i] = Math.pow(root.children[i].visits / best.visits, 1 / o.temperature());
        double x = random.nextDouble() * sum;
        for (int i = 0; i < w.length; i++) if ((x -= w[i]) <= 0) return root.children[i].move;
        return root.children[w.length - 1].move;
    }
}
