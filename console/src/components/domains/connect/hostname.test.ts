import { describe, expect, it } from 'vitest';
import { previewHostname } from './hostname';

describe('previewHostname', () => {
  it('reduces a pasted URL to its host, lower case, without port or trailing dot', () => {
    expect(previewHostname('  https://Shop.Example.com:8443/settings?x=1 ')).toEqual({ ascii: 'shop.example.com', display: 'shop.example.com', changed: true, problem: null });
    expect(previewHostname('shop.example.com.')).toMatchObject({ ascii: 'shop.example.com', changed: true });
    expect(previewHostname('user@shop.example.com')).toMatchObject({ ascii: 'shop.example.com', changed: true });
  });

  it('leaves a plain hostname as typed (nothing worth previewing)', () => {
    expect(previewHostname('shop.example.com')).toEqual({ ascii: 'shop.example.com', display: 'shop.example.com', changed: false, problem: null });
  });

  it('shows internationalised names as typed and sends their A-label', () => {
    expect(previewHostname('Bücher.Example')).toEqual({ ascii: 'xn--bcher-kva.example', display: 'bücher.example', changed: true, problem: null });
  });

  it('names plain mistakes and sends nothing then', () => {
    expect(previewHostname('   ')).toMatchObject({ ascii: '', problem: 'empty' });
    expect(previewHostname('localhost')).toMatchObject({ ascii: '', problem: 'single_label' });
    expect(previewHostname('shop_1.example.com')).toMatchObject({ problem: 'label_invalid' });
    expect(previewHostname('-shop.example.com')).toMatchObject({ problem: 'label_invalid' });
    expect(previewHostname(`${'a'.repeat(64)}.example.com`)).toMatchObject({ problem: 'label_invalid' });
    expect(previewHostname(`${'abcdefghi.'.repeat(26)}com`)).toMatchObject({ problem: 'too_long' });
  });
});
