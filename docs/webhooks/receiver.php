<?php
// A webhook receiver for smmpanel events (PHP 7+, no extension needed).
// Run:  SMMPANEL_WEBHOOK_SECRET=whsec_... php -S 0.0.0.0:8000 receiver.php
$secret = getenv('SMMPANEL_WEBHOOK_SECRET');
$body = file_get_contents('php://input'); // the raw body: sign what was sent
$expected = hash_hmac('sha256', $body, $secret);
$given = $_SERVER['HTTP_X_SMMPANEL_SIGNATURE'] ?? '';
if (!hash_equals($expected, $given)) { // constant-time comparison
    http_response_code(401);
    header('Content-Type: text/plain');
    echo 'bad signature';
    exit;
}
$event = json_decode($body, true);
// An event may come twice: handle it once (keep the ids in your database).
$seen = __DIR__ . '/seen-events.txt';
$ids = file_exists($seen) ? file($seen, FILE_IGNORE_NEW_LINES) : [];
if (!in_array((string) $event['id'], $ids, true)) {
    file_put_contents($seen, $event['id'] . "\n", FILE_APPEND | LOCK_EX);
    if ($event['type'] === 'order.updated') {
        error_log("order {$event['order']}: {$event['status']}, remains {$event['remains']}");
    } else {
        error_log($event['type'] . ': ' . $body);
    }
}
header('Content-Type: text/plain');
echo 'ok';
