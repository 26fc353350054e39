import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { createConsoleI18n } from '@/i18n';
import QrCode from './QrCode.vue';
import * as qr from './qr-matrix';

const URI = 'otpauth://totp/Portico:ada%40example.test?secret=JBSWY3DPEHPK3PXP&issuer=Portico';
const mountQr = () => mount(QrCode, { props: { value: URI, label: 'QR code', textLabel: 'Setup link' }, global: { plugins: [createConsoleI18n('en')] } });

describe('QrCode', () => {
  it('shows the URI as text to copy and beside it the QR code of that URI', () => {
    const wrapper = mountQr();
    expect(wrapper.get('[data-testid="qr-text"]').text()).toBe(URI);
    expect(wrapper.find('[data-testid="qr-image"]').exists()).toBe(true);
    // A QR code of this length is version 4 or more: at least 33 × 33 modules, a third of them dark or so.
    const matrix = qr.qrMatrix(URI)!;
    expect(matrix.length).toBeGreaterThanOrEqual(33);
    expect(matrix.every((row) => row.length === matrix.length)).toBe(true);
  });

  it('shows only the text when no matrix can be made', () => {
    const spy = vi.spyOn(qr, 'qrMatrix').mockReturnValue(null);
    try {
      const wrapper = mountQr();
      expect(wrapper.get('[data-testid="qr-text"]').text()).toBe(URI);
      expect(wrapper.find('[data-testid="qr-image"]').exists()).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  it('draws one square per dark module when an encoder gives a matrix', () => {
    const spy = vi.spyOn(qr, 'qrMatrix').mockReturnValue([
      [true, false],
      [false, true],
    ]);
    try {
      const wrapper = mountQr();
      const svg = wrapper.get('[data-testid="qr-image"]');
      expect(svg.attributes('aria-label')).toBe('QR code');
      // The white quiet zone plus the two dark modules.
      expect(svg.findAll('rect')).toHaveLength(3);
      expect(spy).toHaveBeenCalledWith(URI);
    } finally {
      spy.mockRestore();
    }
  });
});
