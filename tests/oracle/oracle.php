<?php
/*
 * cmsbridge test oracle: WordPress's own block parser and serializer, run without booting WordPress.
 *
 * Reads one JSON object on stdin:
 *   {"op": "run", "documents": ["...", ...], "parse": true, "serialize": true}
 *     -> [{"parse": <WP_Block_Parser::parse() output>, "serialized": serialize_blocks(parse_blocks(doc))}, ...]
 *   {"op": "bench", "documents": [...], "repeat": 3, "mode": "kept"|"stream"}
 *     -> {"bytes": N, "parse_seconds": best, "serialize_seconds": best}   (hrtime, inside PHP)
 *   {"op": "serialize", "block_lists": [[block, ...], ...]} -> [serialize_blocks(list), ...]
 *   {"op": "info"} -> {"wp_version": "...", "php_version": "..."}
 *
 * Loaded from the WordPress install (CMSBRIDGE_WP_ROOT, default /usr/share/wordpress): the block parser
 * classes and wp-includes/blocks.php (function definitions only). wp_json_encode() and its helpers live in
 * functions.php, which cannot be loaded on its own, so their source is taken from that file and evaluated.
 * Non-finite floats in parse output are written as the strings "INF", "-INF", "NAN" (JSON has no such
 * numbers); floats keep a ".0" (JSON_PRESERVE_ZERO_FRACTION) so that 1.0 and 1 stay distinct.
 */

ini_set('display_errors', 'stderr');

$root = getenv('CMSBRIDGE_WP_ROOT');
if ($root === false || $root === '') {
	$root = '/usr/share/wordpress';
}
define('ABSPATH', rtrim($root, '/') . '/');
define('WPINC', 'wp-includes');

foreach (array('class-wp-block-parser-block.php', 'class-wp-block-parser-frame.php', 'class-wp-block-parser.php', 'blocks.php') as $file) {
	if (is_file(ABSPATH . WPINC . '/' . $file)) {
		require_once ABSPATH . WPINC . '/' . $file;
	}
}
$functions = file_get_contents(ABSPATH . WPINC . '/functions.php');
foreach (array('wp_json_encode', '_wp_json_sanity_check', '_wp_json_convert_string') as $name) {
	if (function_exists($name)) {
		continue;
	}
	if (!preg_match('/^function ' . preg_quote($name, '/') . '\s*\(.*?^}$/ms', $functions, $m)) {
		fwrite(STDERR, "oracle: cannot find $name() in functions.php\n");
		exit(2);
	}
	eval($m[0]);
}
if (!class_exists('WP_Block_Parser') || !function_exists('serialize_blocks')) {
	fwrite(STDERR, "oracle: WP_Block_Parser or serialize_blocks() missing under " . ABSPATH . "\n");
	exit(2);
}

function cmsbridge_finite($value) {
	if (is_float($value) && !is_finite($value)) {
		return is_nan($value) ? 'NAN' : ($value > 0 ? 'INF' : '-INF');
	}
	if (is_array($value)) {
		foreach ($value as $key => $item) {
			$value[$key] = cmsbridge_finite($item);
		}
	}
	return $value;
}

function cmsbridge_output($value) {
	$json = json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION, 1000000);
	if ($json === false) {
		fwrite(STDERR, 'oracle: json_encode failed: ' . json_last_error_msg() . "\n");
		exit(3);
	}
	echo $json;
}

$request = json_decode(stream_get_contents(STDIN), true, 1000000);
if (!is_array($request)) {
	fwrite(STDERR, "oracle: stdin is not a JSON object\n");
	exit(2);
}
$op = $request['op'] ?? 'run';

if ($op === 'info') {
	global $wp_version;
	include ABSPATH . WPINC . '/version.php';
	cmsbridge_output(array('wp_version' => $wp_version, 'php_version' => PHP_VERSION));
	exit(0);
}

if ($op === 'serialize') {
	// serialize_blocks() of block lists built by the caller (not parsed): one string per list.
	$out = array();
	foreach ($request['block_lists'] as $blocks) {
		$out[] = serialize_blocks($blocks);
	}
	cmsbridge_output($out);
	exit(0);
}

$documents = $request['documents'];

if ($op === 'bench') {
	$repeat = max(1, (int) ($request['repeat'] ?? 3));
	$bytes = 0;
	foreach ($documents as $document) {
		$bytes += strlen($document);
	}
	$best_parse = INF;
	$best_serialize = INF;
	$out = 0;
	if (($request['mode'] ?? 'kept') === 'stream') {
		// Post by post: parse, serialize, let go (how a migration or an append handles posts).
		for ($round = 0; $round < $repeat; $round++) {
			$parser = new WP_Block_Parser();
			$parse_ns = 0;
			$serialize_ns = 0;
			foreach ($documents as $document) {
				$t0 = hrtime(true);
				$blocks = $parser->parse($document);
				$t1 = hrtime(true);
				$out += strlen(serialize_blocks($blocks));
				$t2 = hrtime(true);
				$parse_ns += $t1 - $t0;
				$serialize_ns += $t2 - $t1;
			}
			unset($blocks);
			$best_parse = min($best_parse, $parse_ns / 1e9);
			$best_serialize = min($best_serialize, $serialize_ns / 1e9);
		}
		cmsbridge_output(array('bytes' => $bytes, 'serialized_bytes' => $out, 'parse_seconds' => $best_parse, 'serialize_seconds' => $best_serialize));
		exit(0);
	}
	for ($round = 0; $round < $repeat; $round++) {
		$parser = new WP_Block_Parser();
		$parsed = array();
		$t0 = hrtime(true);
		foreach ($documents as $i => $document) {
			$parsed[$i] = $parser->parse($document);
		}
		$t1 = hrtime(true);
		$out = 0;
		foreach ($parsed as $blocks) {
			$out += strlen(serialize_blocks($blocks));
		}
		$t2 = hrtime(true);
		$best_parse = min($best_parse, ($t1 - $t0) / 1e9);
		$best_serialize = min($best_serialize, ($t2 - $t1) / 1e9);
		unset($parsed);
	}
	cmsbridge_output(array('bytes' => $bytes, 'serialized_bytes' => $out, 'parse_seconds' => $best_parse, 'serialize_seconds' => $best_serialize));
	exit(0);
}

$want_parse = $request['parse'] ?? true;
$want_serialize = $request['serialize'] ?? true;
$results = array();
foreach ($documents as $document) {
	$parser = new WP_Block_Parser();
	$blocks = $parser->parse($document);
	$result = array();
	if ($want_parse) {
		$result['parse'] = cmsbridge_finite($blocks);
	}
	if ($want_serialize) {
		$result['serialized'] = serialize_blocks($blocks);
	}
	$results[] = $result;
}
cmsbridge_output($results);
