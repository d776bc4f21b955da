/**
 * Sound for a good or bad scan, so a cashier looking at the customer still
 * knows (colour and text on screen say it too: never colour alone). Short
 * tones from Web Audio: no audio files to load, nothing on the network.
 */
let context: AudioContext | null = null;

function audio(): AudioContext | null {
  try {
    context ??= new AudioContext();
    // Browsers start audio suspended until a person has interacted; signing in is such an interaction.
    if (context.state === 'suspended') void context.resume();
    return context;
  } catch {
    return null;
  }
}

function tone(ctx: AudioContext, frequency: number, start: number, seconds: number): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = frequency;
  osc.type = 'square';
  gain.gain.setValueAtTime(0.08, ctx.currentTime + start);
  gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + seconds);
  osc.connect(gain).connect(ctx.destination);
  osc.start(ctx.currentTime + start);
  osc.stop(ctx.currentTime + start + seconds);
}

export function feedback(kind: 'good' | 'bad'): void {
  const ctx = audio();
  if (!ctx) return;
  if (kind === 'good') tone(ctx, 1760, 0, 0.08);
  else {
    tone(ctx, 220, 0, 0.15);
    tone(ctx, 220, 0.2, 0.15);
  }
}
