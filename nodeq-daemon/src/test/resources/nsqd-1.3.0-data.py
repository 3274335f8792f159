"""Makes nsqd-1.3.0-data/, the data path LegacyImportTest imports: a real nsqd 1.3.0 (--mem-queue-size 0,
--max-bytes-per-file 200) with topic orders (channels a and b, 5 messages, one REQ and one in flight on b
at SIGTERM, then paused with 2 more in its own queue) and topic lonely (no channel, 2 messages).
Run from an empty directory: NSQ_BIN=<dir of an NSQ 1.3.0 release's binaries> python3 nsqd-1.3.0-data.py;
the files land in ./data."""
import os, socket, struct, subprocess, time, urllib.request, signal, sys

def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p

tcp, http, https = free_port(), free_port(), free_port()
p = subprocess.Popen([os.path.join(os.environ.get('NSQ_BIN', '.'), 'nsqd'), '--tcp-address', f'127.0.0.1:{tcp}',
    '--http-address', f'127.0.0.1:{http}', '--https-address', f'127.0.0.1:{https}',
    '--data-path', 'data', '--mem-queue-size', '0', '--max-bytes-per-file', '200'],
    stdout=open('nsqd.log', 'w'), stderr=subprocess.STDOUT)
base = f'http://127.0.0.1:{http}'
for _ in range(100):
    try:
        urllib.request.urlopen(base + '/ping').read(); break
    except Exception:
        time.sleep(0.1)

def post(path, body=b''):
    return urllib.request.urlopen(urllib.request.Request(base + path, data=body, method='POST')).read()

post('/topic/create?topic=orders')
post('/channel/create?topic=orders&channel=a')
post('/channel/create?topic=orders&channel=b')
for i in range(1, 6):
    post('/pub?topic=orders', f'order-{i}'.encode())
time.sleep(0.5)  # let the topic pump fan out to both channels

# one REQ on channel b: that message goes back to b's queue with attempts 1
s = socket.create_connection(('127.0.0.1', tcp))
s.sendall(b'  V2')
s.sendall(b'SUB orders b\n')
def frame():
    size = struct.unpack('>i', recvn(4))[0]
    data = recvn(size)
    return struct.unpack('>i', data[:4])[0], data[4:]
def recvn(n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: raise EOFError
        b += c
    return b
print('SUB', frame())
s.sendall(b'RDY 1\n')
ft, data = frame()
ts, attempts = struct.unpack('>qH', data[:10]); mid = data[10:26]; body = data[26:]
print('got', attempts, mid, body)
s.sendall(b'REQ ' + mid + b' 0\n')
s.sendall(b'CLS\n')
try:
    while True:
        print('frame', frame())
except Exception as e:
    pass
s.close()
time.sleep(0.3)
# messages left in the topic's own queue: pause the topic, then publish
post('/topic/pause?topic=orders')
post('/pub?topic=orders', b'order-6')
post('/pub?topic=orders', b'order-7')
# a topic without channels keeps its messages for the first channel
post('/pub?topic=lonely', b'hello-1')
post('/pub?topic=lonely', b'hello-2')
time.sleep(0.3)
p.send_signal(signal.SIGTERM)
print('exit', p.wait(timeout=20))
